namespace Manabi.Cli.Tests;

namespace Manabi.Text.Tests;

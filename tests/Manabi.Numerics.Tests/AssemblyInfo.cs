namespace Manabi.Numerics.Tests;

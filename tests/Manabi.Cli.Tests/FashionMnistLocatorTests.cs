using Manabi.TestSupport;
using Manabi.Vision.Data;

namespace Manabi.Cli.Tests;

/// <summary>Runs alone: it sets $MANABI_NO_INSTALL and $MANABI_DATA, which are process-wide.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class FashionMnistLocatorTests
{
    [Fact]
    public void NoInstallVariableForbidsInstalling()
    {
        using var env = new EnvironmentOverride((FashionMnistLocator.NoInstallVariable, "1"));
        Assert.False(FashionMnistLocator.CanInstall);
    }

    [Fact]
    public void AFolderInManabiDataIsFoundWithoutInstalling()
    {
        using var folder = new TempFolder();
        foreach (string name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
        {
            folder.File(name, "");
        }
        var progress = new List<string>();
        using var env = new EnvironmentOverride(("MANABI_DATA", folder.Path), (FashionMnistLocator.NoInstallVariable, "1"));
        Assert.Equal(folder.Path, FashionMnistLocator.LocateOrInstall(progress.Add));
        Assert.Empty(progress);
    }

    [Fact]
    public void TheMissingMessageNamesTheFoldersAndTheCommand()
    {
        using var folder = new TempFolder();
        using var env = new EnvironmentOverride(("MANABI_DATA", folder.Path), ("MANABI_CACHE", folder.PathOf("cache")));
        string message = FashionMnistLocator.MissingMessage;
        Assert.Contains(folder.Path, message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder.PathOf("cache"), "data", "fashion-mnist"), message, StringComparison.Ordinal);
        Assert.Contains("/usr/share/datasets/fashion-mnist", message, StringComparison.Ordinal);
        Assert.EndsWith("run: sudo apt-get install -y dataset-fashion-mnist", message, StringComparison.Ordinal);
    }
}

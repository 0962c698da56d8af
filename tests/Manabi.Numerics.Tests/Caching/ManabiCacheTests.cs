using Manabi.TestSupport;

namespace Manabi.Numerics.Tests.Caching;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ManabiCacheTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Fact]
    public void ManabiCacheWinsOverXdg()
    {
        using var env = new EnvironmentOverride(("MANABI_CACHE", "/tmp/m-cache"), ("XDG_CACHE_HOME", "/tmp/xdg"));
        Assert.Equal("/tmp/m-cache", ManabiCache.Root);
        Assert.Equal("/tmp/m-cache/models", ManabiCache.Models);
        Assert.Equal("/tmp/m-cache/data", ManabiCache.Data);
        Assert.Equal("/tmp/m-cache/indexes", ManabiCache.Indexes);
    }

    [Fact]
    public void XdgCacheHomeIsUsedWhenManabiCacheIsUnsetOrEmpty()
    {
        using (new EnvironmentOverride(("MANABI_CACHE", null), ("XDG_CACHE_HOME", "/tmp/xdg")))
        {
            Assert.Equal("/tmp/xdg/manabi", ManabiCache.Root);
        }
        using (new EnvironmentOverride(("MANABI_CACHE", ""), ("XDG_CACHE_HOME", "/tmp/xdg")))
        {
            Assert.Equal("/tmp/xdg/manabi", ManabiCache.Root);
        }
    }

    [Fact]
    public void HomeCacheIsTheDefault()
    {
        using var env = new EnvironmentOverride(("MANABI_CACHE", null), ("XDG_CACHE_HOME", null));
        Assert.Equal(Path.Combine(Home, ".cache", "manabi"), ManabiCache.Root);
        Assert.Equal(Path.Combine(Home, ".cache", "manabi", "models"), ManabiCache.Models);
    }

    [Fact]
    public void OverridesAreRestored()
    {
        string? before = Environment.GetEnvironmentVariable("MANABI_CACHE");
        using (new EnvironmentOverride(("MANABI_CACHE", "/tmp/elsewhere")))
        {
            Assert.Equal("/tmp/elsewhere", ManabiCache.Root);
        }
        Assert.Equal(before, Environment.GetEnvironmentVariable("MANABI_CACHE"));
    }
}

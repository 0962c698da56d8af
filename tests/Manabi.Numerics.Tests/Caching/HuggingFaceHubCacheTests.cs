using Manabi.TestSupport;

namespace Manabi.Numerics.Tests.Caching;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class HuggingFaceHubCacheTests : IDisposable
{
    private const string Model = "sentence-transformers/all-MiniLM-L6-v2";
    private readonly string _root = Directory.CreateTempSubdirectory("manabi-hf-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void RootFollowsHfHubCacheThenHfHomeThenXdgThenHome()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        using (new EnvironmentOverride(("HF_HUB_CACHE", "/tmp/hub"), ("HF_HOME", "/tmp/hf"), ("XDG_CACHE_HOME", "/tmp/xdg")))
        {
            Assert.Equal("/tmp/hub", HuggingFaceHubCache.Root);
        }
        using (new EnvironmentOverride(("HF_HUB_CACHE", null), ("HF_HOME", "/tmp/hf"), ("XDG_CACHE_HOME", "/tmp/xdg")))
        {
            Assert.Equal("/tmp/hf/hub", HuggingFaceHubCache.Root);
        }
        using (new EnvironmentOverride(("HF_HUB_CACHE", null), ("HF_HOME", null), ("XDG_CACHE_HOME", "/tmp/xdg")))
        {
            Assert.Equal("/tmp/xdg/huggingface/hub", HuggingFaceHubCache.Root);
        }
        using (new EnvironmentOverride(("HF_HUB_CACHE", null), ("HF_HOME", null), ("XDG_CACHE_HOME", null)))
        {
            Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), HuggingFaceHubCache.Root);
        }
    }

    [Fact]
    public void RefsMainPicksItsSnapshot()
    {
        using var env = new EnvironmentOverride(("HF_HUB_CACHE", _root));
        string pinned = Snapshot("aaa111");
        Snapshot("bbb222", DateTime.UtcNow.AddDays(1)); // newer, but not what refs/main names
        File.WriteAllText(Path.Combine(ModelFolder, "refs", "main"), "aaa111\n");
        Assert.Equal(pinned, HuggingFaceHubCache.FindSnapshot(Model));
    }

    [Fact]
    public void WithoutARefTheNewestSnapshotIsUsed()
    {
        using var env = new EnvironmentOverride(("HF_HUB_CACHE", _root));
        Snapshot("old", DateTime.UtcNow.AddDays(-2));
        string newest = Snapshot("new", DateTime.UtcNow.AddDays(-1));
        Assert.Equal(newest, HuggingFaceHubCache.FindSnapshot(Model));
    }

    [Fact]
    public void ARefToAMissingSnapshotFallsBackToTheNewest()
    {
        using var env = new EnvironmentOverride(("HF_HUB_CACHE", _root));
        string only = Snapshot("present");
        File.WriteAllText(Path.Combine(ModelFolder, "refs", "main"), "deleted");
        Assert.Equal(only, HuggingFaceHubCache.FindSnapshot(Model));
    }

    [Fact]
    public void AnUncachedModelHasNoSnapshot()
    {
        using var env = new EnvironmentOverride(("HF_HUB_CACHE", _root));
        Assert.Null(HuggingFaceHubCache.FindSnapshot(Model));
        Assert.Equal(Path.Combine(_root, "models--bert-base-uncased"), HuggingFaceHubCache.ModelFolder("bert-base-uncased"));
    }

    [Theory]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", true)]
    [InlineData("bert-base-uncased", true)]
    [InlineData("org/name.v1_2", true)]
    [InlineData("/abs/path", false)]
    [InlineData("a/b/c", false)]
    [InlineData("../x", false)]
    [InlineData("org/..", false)]
    [InlineData("./model", false)]
    [InlineData("", false)]
    [InlineData("has space/x", false)]
    public void ModelIdShape(string id, bool valid)
    {
        Assert.Equal(valid, HuggingFaceHubCache.IsModelId(id));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => HuggingFaceHubCache.ModelFolder(id));
        }
    }

    private string ModelFolder => Path.Combine(_root, "models--sentence-transformers--all-MiniLM-L6-v2");

    private string Snapshot(string revision, DateTime? written = null)
    {
        Directory.CreateDirectory(Path.Combine(ModelFolder, "refs"));
        string folder = Directory.CreateDirectory(Path.Combine(ModelFolder, "snapshots", revision)).FullName;
        File.WriteAllText(Path.Combine(folder, "modules.json"), "[]");
        Directory.SetLastWriteTimeUtc(folder, written ?? DateTime.UtcNow);
        return folder;
    }
}

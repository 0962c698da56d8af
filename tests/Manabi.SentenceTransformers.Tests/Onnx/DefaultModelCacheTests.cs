using Manabi.SentenceTransformers;

namespace Manabi.SentenceTransformers.Tests.Onnx;

/// <summary>Runs alone: it points $MANABI_CACHE, which is process-wide, at a temporary folder.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class DefaultModelCacheTests
{
    [Fact]
    public void Default_model_is_imported_once_into_the_cache()
    {
        string cache = Path.Combine(Path.GetTempPath(), "manabi-cache-" + Guid.NewGuid().ToString("N"));
        string? previous = Environment.GetEnvironmentVariable("MANABI_CACHE");
        Environment.SetEnvironmentVariable("MANABI_CACHE", cache);
        try
        {
            string folder = DefaultSentenceModel.EnsureImported();
            Assert.Equal(Path.Combine(cache, "models", "all-MiniLM-L6-v2"), folder);
            var stamp = File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors"));
            Assert.Equal(folder, DefaultSentenceModel.EnsureImported());
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors")));
            using var loaded = SentenceEncoder.Load(folder);
            Assert.Equal(256, loaded.MaxSeqLength);
            Assert.True(loaded.NormalizesEmbeddings);
            Assert.Equal([folder], Directory.GetDirectories(Path.Combine(cache, "models")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MANABI_CACHE", previous);
            Directory.Delete(cache, recursive: true);
        }
    }
}

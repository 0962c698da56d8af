using Manabi.TestSupport;
using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;

namespace Manabi.Torch.Tests.Weights;

/// <summary>Replays the fuzzing corpus (tests/fixtures/fuzz/safetensors: seeds and every crash tools/fuzz found).</summary>
public sealed class FuzzRegressionTests
{
    public FuzzRegressionTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void SafeTensorsCorpusReadsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("safetensors", ".safetensors", path =>
        {
            foreach (var tensor in SafeTensors.Read(path).Values)
            {
                tensor.Dispose();
            }
        }, typeof(InvalidDataException)));

    [Fact]
    public void HeaderWithInvalidUtf8IsRefused()
    {
        // Found by fuzzing: a byte that is not UTF-8 inside a header string gave an InvalidOperationException.
        string path = Fixtures.Path("fuzz", "safetensors", "crash-invalid-utf8-header.safetensors");
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Equal($"{path}: the safetensors header is not valid UTF-8.", ex.Message);
    }

    [Theory]
    [InlineData("crash-entry-duplicate-key.safetensors", "the safetensors header is not valid JSON")]
    [InlineData("forged-lone-surrogate-key.safetensors", "the safetensors header holds a key that is not valid text")]
    public void DuplicateOrUndecodableKeysInATensorEntryAreRefused(string file, string expected)
    {
        // Found by fuzzing (after the first fixes): "data_offsets" twice in one entry gave an ArgumentException.
        string path = Fixtures.Path("fuzz", "safetensors", file);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.StartsWith($"{path}: {expected}", ex.Message, StringComparison.Ordinal);
    }
}

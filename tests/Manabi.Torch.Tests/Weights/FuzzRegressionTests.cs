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
}

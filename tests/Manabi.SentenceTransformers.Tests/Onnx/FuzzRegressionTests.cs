using Manabi.SentenceTransformers.Models.Onnx;
using Manabi.TestSupport;

namespace Manabi.SentenceTransformers.Tests.Onnx;

/// <summary>Replays the fuzzing corpus (tests/fixtures/fuzz/onnx: seeds and every crash tools/fuzz found).</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void OnnxCorpusImportsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("onnx", ".onnx", path => OnnxBertImporter.Import(OnnxGraph.Load(path), path), typeof(InvalidDataException)));
}

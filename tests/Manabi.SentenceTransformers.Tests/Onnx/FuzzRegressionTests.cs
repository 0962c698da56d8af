using Manabi.SentenceTransformers.Models.Onnx;
using Manabi.TestSupport;

namespace Manabi.SentenceTransformers.Tests.Onnx;

/// <summary>Replays the fuzzing corpus (tests/fixtures/fuzz/onnx: seeds and every crash tools/fuzz found).</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void OnnxCorpusImportsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("onnx", ".onnx", path => OnnxBertImporter.Import(OnnxGraph.Load(path), path), typeof(InvalidDataException)));

    [Theory]
    [InlineData("crash-embedding-rank.onnx", "has shape [2] but 6 values")]
    [InlineData("forged-shape-mismatch.onnx", "has shape [2, 3] but 4 values")]
    public void InitializersWhoseShapeDoesNotDescribeTheirValuesAreRefused(string file, string expected)
    {
        // Found by fuzzing: a one-dimensional word-embedding initializer gave an IndexOutOfRangeException.
        string path = Fixtures.Path("fuzz", "onnx", file);
        var ex = Assert.Throws<InvalidDataException>(() => OnnxBertImporter.Import(OnnxGraph.Load(path), path));
        Assert.Equal($"{path}: initializer 'embeddings.word_embeddings.weight' {expected}", ex.Message);
    }
}

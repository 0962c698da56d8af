using Manabi.Numerics.Datasets;
using Manabi.TestSupport;

namespace Manabi.Numerics.Tests;

/// <summary>Replays the fuzzing corpus (tests/fixtures/fuzz/idx: seeds and every crash tools/fuzz found).</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void IdxCorpusParsesOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("idx", ".idx", path => IdxReader.Read(path), typeof(InvalidDataException)));

    [Fact]
    public void IdxDimensionsWhoseProductOverflowsAreRefused()
    {
        // Found by fuzzing: four dimension sizes whose product overflowed a long gave an OverflowException.
        string path = Fixtures.Path("fuzz", "idx", "crash-dimension-product-overflow.idx");
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains("too many elements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdxHeaderLargerThanTheFileIsRefusedBeforeAllocating()
    {
        // 1M x 16 bytes declared, 3 present: refused from the file length, not after allocating 16 MB.
        string path = Path.Combine(Path.GetTempPath(), $"manabi-idx-{Guid.NewGuid():N}.idx");
        File.WriteAllBytes(path, [0, 0, 8, 2, 0, 0x10, 0, 0, 0, 0, 0, 0x10, 1, 2, 3]);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
            Assert.Contains("ends before its declared size (16777216 elements", ex.Message, StringComparison.Ordinal);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

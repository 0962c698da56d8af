using System.IO.Compression;
using System.Text;

namespace Manabi.Vectors.Tests;

public class StoreFormatTests
{
    private const int Dims = 8;

    private static (string[] Keys, float[] Values) Sample() => TestVectors.Random(50, Dims, 3);

    [Theory]
    [InlineData(VectorDType.Float32, 1e-6)]
    [InlineData(VectorDType.Float16, 2e-3)]
    [InlineData(VectorDType.Int8, 2e-2)]
    public void RoundTripsWordToVecTextInEveryDType(VectorDType dtype, double tolerance)
    {
        using var dir = new TempDirectory();
        var (keys, values) = Sample();
        File.WriteAllText(dir.File("v.txt"), TestVectors.Word2VecText(keys, values, Dims));
        ConvertResult result = VectorStoreConverter.Convert(dir.File("v.txt"), dir.File("v.mwv"), new VectorConvertOptions { DType = dtype });
        Assert.Equal(50, result.Count);
        using var store = VectorStore.Open(dir.File("v.mwv"), new VectorStoreOptions { VerifyChecksums = true });
        Assert.Equal(dtype, store.DType);
        Assert.Equal(0, store.RowStride % 64);
        for (int i = 0; i < keys.Length; i++)
        {
            float[] raw = store.GetVector(keys[i], raw: true);
            for (int d = 0; d < Dims; d++)
            {
                Assert.True(Math.Abs(raw[d] - values[i * Dims + d]) <= tolerance * 3, $"{keys[i]}[{d}]: {raw[d]} vs {values[i * Dims + d]}");
            }
            float[] unit = store.GetVector(keys[i]);
            Assert.Equal(1.0, Math.Sqrt(unit.Sum(v => (double)v * v)), 2);
        }
    }

    [Fact]
    public void ReadsBinaryGloveAndGzip()
    {
        using var dir = new TempDirectory();
        var (keys, values) = Sample();
        File.WriteAllBytes(dir.File("v.bin"), TestVectors.Word2VecBinary(keys, values, Dims));
        File.WriteAllText(dir.File("glove.txt"), TestVectors.Word2VecText(keys, values, Dims, header: false));
        using (var gz = new GZipStream(File.Create(dir.File("v.vec.gz")), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(TestVectors.Word2VecText(keys, values, Dims)));
        }
        VectorStoreConverter.Convert(dir.File("v.bin"), dir.File("a.mwv"));
        VectorStoreConverter.Convert(dir.File("glove.txt"), dir.File("b.mwv"), new VectorConvertOptions { Format = VectorFileFormat.Glove });
        VectorStoreConverter.Convert(dir.File("v.vec.gz"), dir.File("c.mwv"), new VectorConvertOptions { Format = VectorFileFormat.FastText });
        using var a = VectorStore.Open(dir.File("a.mwv"));
        using var b = VectorStore.Open(dir.File("b.mwv"));
        using var c = VectorStore.Open(dir.File("c.mwv"));
        foreach (VectorStore s in new[] { a, b, c })
        {
            Assert.Equal(50, s.Count);
            Assert.Equal(Dims, s.Dimensions);
            Assert.Equal(keys, s.Keys.ToArray());
            Assert.Equal(a.GetVector("w7", raw: true), s.GetVector("w7", raw: true));
        }
    }

    [Fact]
    public void ExportsWordToVecTextThatReimportsIdentically()
    {
        using var dir = new TempDirectory();
        var (keys, values) = Sample();
        VectorStoreConverter.Write(keys, values, Dims, dir.File("a.mwv"));
        using var a = VectorStore.Open(dir.File("a.mwv"));
        a.ExportWord2VecText(dir.File("out.txt"));
        VectorStoreConverter.Convert(dir.File("out.txt"), dir.File("b.mwv"));
        using var b = VectorStore.Open(dir.File("b.mwv"));
        Assert.Equal(a.Keys, b.Keys);
        for (int i = 0; i < keys.Length; i++)
        {
            float[] x = a.GetVector(keys[i], raw: true), y = b.GetVector(keys[i], raw: true);
            for (int d = 0; d < Dims; d++)
            {
                Assert.Equal(x[d], y[d], 1e-5f);
            }
        }
    }

    [Fact]
    public void RaggedDimensionsNameFileAndLineAndLeaveNoOutput()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.txt"), "3 2\na 1 2\nb 1 2 3\nc 1 2\n");
        var e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(dir.File("bad.txt"), dir.File("out.mwv")));
        Assert.Contains("bad.txt:3", e.Message, StringComparison.Ordinal);
        Assert.Contains("ragged", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
        Assert.Empty(Directory.GetFiles(dir.Path, "out.mwv*"));
    }

    [Theory]
    [InlineData("2 2\na 1 x\nb 1 2\n", "not a finite number")]
    [InlineData("3 2\na 1 2\nb 1 2\n", "declares 3 vectors")]
    [InlineData("", "no vectors")]
    public void MalformedTextIsAClearError(string content, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.txt"), content);
        var e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(dir.File("bad.txt"), dir.File("out.mwv")));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.mwv")));
    }

    [Fact]
    public void TruncatedBinaryIsAClearError()
    {
        using var dir = new TempDirectory();
        var (keys, values) = Sample();
        byte[] bytes = TestVectors.Word2VecBinary(keys, values, Dims);
        File.WriteAllBytes(dir.File("v.bin"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(dir.File("v.bin"), dir.File("out.mwv")));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3 4\nthe 0.1 0.2 0.3 0.4\nand 0.5 0.6 0.7 0.8\nof 1.25 -2.5 3.75 4.12\n")] // rows exactly 16 bytes of text
    [InlineData("2 3\nthe 0.418 0.24968 -0.41242\nof 0.70853 0.57088 -0.4716\n")] // GloVe-like rows, longer than 12 bytes
    public void TextFileReadAsWord2VecBinaryIsAFormatErrorNamingFileAndRecord(string text)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("v.txt"), text);
        var e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(dir.File("v.txt"), dir.File("out.mwv"),
            new VectorConvertOptions { Format = VectorFileFormat.Word2VecBinary }));
        Assert.Equal(dir.File("v.txt"), e.FilePath);
        Assert.True(e.Line >= 1, e.Message);
        Assert.StartsWith(dir.File("v.txt") + ":", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.mwv")));
    }

    [Fact]
    public void BinaryWithoutNewlinesAfterRowsStillReads()
    {
        // gensim writes no newline after a binary row; the trailing-data check must not mistake that for text.
        using var dir = new TempDirectory();
        var (keys, values) = Sample();
        using (var ms = new MemoryStream())
        {
            ms.Write(Encoding.ASCII.GetBytes($"{keys.Length} {Dims}\n"));
            for (int i = 0; i < keys.Length; i++)
            {
                ms.Write(Encoding.UTF8.GetBytes(keys[i] + " "));
                ms.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(i * Dims, Dims)));
            }
            File.WriteAllBytes(dir.File("v.bin"), ms.ToArray());
        }
        Assert.Equal(keys.Length, VectorStoreConverter.Convert(dir.File("v.bin"), dir.File("a.mwv")).Count);
    }

    [Fact]
    public void BinaryWithMoreRecordsThanItsHeaderIsAFormatError()
    {
        using var dir = new TempDirectory();
        var (keys, values) = Sample();
        byte[] bytes = TestVectors.Word2VecBinary(keys, values, Dims);
        string header = $"{keys.Length} {Dims}\n";
        byte[] lying = [.. Encoding.ASCII.GetBytes($"{keys.Length - 1} {Dims}\n"), .. bytes.AsSpan(header.Length)];
        File.WriteAllBytes(dir.File("v.bin"), lying);
        var e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(dir.File("v.bin"), dir.File("out.mwv")));
        Assert.Equal(keys.Length, e.Line);
    }

    [Fact]
    public void DuplicateKeysKeepTheFirst()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.txt"), "a 1 0\nb 0 1\na 5 5\n");
        ConvertResult r = VectorStoreConverter.Convert(dir.File("d.txt"), dir.File("d.mwv"));
        Assert.Equal(2, r.Count);
        Assert.Equal(1, r.DuplicatesDropped);
        using var s = VectorStore.Open(dir.File("d.mwv"));
        Assert.Equal([1f, 0f], s.GetVector("a", raw: true));
    }

    [Fact]
    public void TruncatedStoreIsRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<VectorFormatException>(() => VectorStore.Open(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptedVectorsFailTheChecksum()
    {
        using var dir = new TempDirectory();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^200] ^= 0x55;
        File.WriteAllBytes(path, bytes);
        using (var lazy = VectorStore.Open(path))
        {
            var e = Assert.Throws<VectorFormatException>(lazy.Verify);
            Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
        }
        Assert.Throws<VectorFormatException>(() => VectorStore.Open(path, new VectorStoreOptions { VerifyChecksums = true }));
    }

    [Fact]
    public void CorruptedHeaderOtherVersionAndForeignFilesAreRejected()
    {
        using var dir = new TempDirectory();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        byte[] header = (byte[])bytes.Clone();
        header[20] ^= 1;
        File.WriteAllBytes(path, header);
        Assert.Contains("header checksum", Assert.Throws<VectorFormatException>(() => VectorStore.Open(path)).Message, StringComparison.Ordinal);
        byte[] version = (byte[])bytes.Clone();
        version[8] = 9;
        File.WriteAllBytes(path, version);
        Assert.Contains("version 9", Assert.Throws<VectorFormatException>(() => VectorStore.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, new string('x', 2000));
        Assert.Contains("not a Manabi vector store", Assert.Throws<VectorFormatException>(() => VectorStore.Open(path)).Message, StringComparison.Ordinal);
    }

    private static string WriteSample(TempDirectory dir)
    {
        var (keys, values) = Sample();
        string path = dir.File("s.mwv");
        VectorStoreConverter.Write(keys, values, Dims, path);
        return path;
    }
}

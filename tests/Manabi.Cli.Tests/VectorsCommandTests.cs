using System.Buffers.Binary;
using System.Text.Json;

namespace Manabi.Cli.Tests;

/// <summary><c>manabi vectors convert|query|similar|info</c> on a slice of the fastText fixture, and the bad-input contract.</summary>
public sealed class VectorsCommandTests(VectorsStoreFixture store) : IClassFixture<VectorsStoreFixture>
{
    [Fact]
    public void ConvertReportsAndInfoDescribesTheStore()
    {
        var info = CliRunner.Run("vectors", "info", "--store", store.ApproxStore);
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains($"count: {VectorsStoreFixture.SliceCount}", info.Stdout, StringComparison.Ordinal);
        Assert.Contains($"dimensions: {store.Dimensions}", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("dtype: f32", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("format version: 1", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("n-gram index (OOV matching): yes", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("approximate index (HNSW): yes", info.Stdout, StringComparison.Ordinal);
        Assert.Contains("int8 screening copy (faster exact search): yes", info.Stdout, StringComparison.Ordinal);
        Assert.Contains($"file size: {new FileInfo(store.ApproxStore).Length} bytes", info.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("checksums", info.Stdout, StringComparison.Ordinal);

        var verified = CliRunner.Run("vectors", "info", "--store", store.ExactStore, "--verify");
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("approximate index (HNSW): no", verified.Stdout, StringComparison.Ordinal);
        Assert.Contains("checksums: verified", verified.Stdout, StringComparison.Ordinal);

        var json = CliRunner.Run("vectors", "info", "--store", store.ApproxStore, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(VectorsStoreFixture.SliceCount, document.RootElement.GetProperty("count").GetInt32());
        Assert.True(document.RootElement.GetProperty("approximate_index").GetBoolean());
        Assert.True(document.RootElement.GetProperty("screening_copy").GetBoolean());
    }

    [Theory]
    [InlineData("f16")]
    [InlineData("i8")]
    public void ConvertHonoursTheDType(string dtype)
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("store.mvs");
        var convert = CliRunner.Run("vectors", "convert", "--input", store.SourcePath, "--output", output, "--dtype", dtype, "--format", "fasttext");
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains($"{VectorsStoreFixture.SliceCount:N0} vectors", convert.Stdout, StringComparison.Ordinal);
        var info = CliRunner.Run("vectors", "info", "--store", output);
        Assert.Contains($"dtype: {dtype}", info.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length < new FileInfo(store.ExactStore).Length);
    }

    [Fact]
    public void NoScreenLeavesTheScreeningCopyOutWithTheSameNeighbours()
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("plain.mvs");
        var convert = CliRunner.Run("vectors", "convert", "--input", store.SourcePath, "--output", output, "--format", "fasttext", "--no-screen");
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains("int8 screening copy (faster exact search): no", CliRunner.Run("vectors", "info", "--store", output).Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length < new FileInfo(store.ExactStore).Length);
        var plain = CliRunner.Run("vectors", "similar", "--store", output, "--key", "function", "--top", "20", "--json");
        var screened = CliRunner.Run("vectors", "similar", "--store", store.ExactStore, "--key", "function", "--top", "20", "--json");
        Assert.True(plain.ExitCode == 0 && screened.ExitCode == 0, plain + "\n" + screened);
        Assert.Equal(Neighbours(screened.Stdout), Neighbours(plain.Stdout));
    }

    [Fact]
    public void ConvertsAFastTextModelWhoseUnknownWordsGetFastTextsSubwordVectors()
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("model.mvs");
        var convert = CliRunner.Run("vectors", "convert", "--input", Manabi.TestSupport.Fixtures.Path("vectors", "fasttext-tiny.bin.gz"), "--output", output);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        var info = CliRunner.Run("vectors", "info", "--store", output);
        Assert.Contains("fastText subword vectors (OOV): yes (n-grams 3-6, 2000 buckets)", info.Stdout, StringComparison.Ordinal);
        string keys = folder.File("keys.txt", "xylophonic\n");
        string vectors = folder.PathOf("out.jsonl");
        var query = CliRunner.Run("vectors", "query", "--store", output, "--input", keys, "--output", vectors, "--raw");
        Assert.True(query.ExitCode == 0, query.ToString());
        JsonElement line = Assert.Single(ReadLines(vectors));
        Assert.True(line.GetProperty("oov").GetBoolean());
        // fastText 0.9.2 print-word-vectors for the same model and word (fasttext-tiny-print.txt), to its 5 digits.
        float[] expected = [-0.24229f, 0.86247f, -0.51053f, -0.1632f, 0.16313f, 0.32443f, 0.36469f, -0.37033f];
        Assert.All(expected.Zip(Vector(line)), p => Assert.Equal(p.First, p.Second, 1e-4));
    }

    [Fact]
    public void QueryWritesUnitVectorsInOrderWithOovFlags()
    {
        using var folder = new TempFolder();
        string input = folder.File("keys.txt", "function\nfuntcion\n\nblorptastic\r\nthe\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("vectors", "query", "--store", store.ApproxStore, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("4 vectors (2 out of vocabulary)", result.Stdout, StringComparison.Ordinal);
        var lines = ReadLines(output);
        Assert.Equal(["function", "funtcion", "blorptastic", "the"], lines.Select(l => l.GetProperty("key").GetString()!));
        Assert.Equal([false, true, true, false], lines.Select(l => l.GetProperty("oov").GetBoolean()));
        foreach (var line in lines)
        {
            float[] vector = Vector(line);
            Assert.Equal(store.Dimensions, vector.Length);
            Assert.Equal(1.0, Norm(vector), 4);
        }
        // A misspelling lands near its source word.
        Assert.True(Dot(Vector(lines[0]), Vector(lines[1])) > 0.5);
    }

    [Fact]
    public void QueryRawGivesTheSourceVectors()
    {
        using var folder = new TempFolder();
        string input = folder.File("keys.txt", "function\nthe\nzzqxv\n");
        string output = folder.PathOf("raw.jsonl");
        var result = CliRunner.Run("vectors", "query", "--store", store.ExactStore, "--input", input, "--output", output, "--raw");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = ReadLines(output);
        Assert.Equal(3, lines.Length);
        foreach (string key in new[] { "function", "the" })
        {
            float[] expected = store.SourceVector(key);
            float[] actual = Vector(lines.Single(l => l.GetProperty("key").GetString() == key));
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[i], 4);
            }
            Assert.NotEqual(1.0, Norm(actual), 2);
        }
        Assert.True(lines[2].GetProperty("oov").GetBoolean());
        Assert.Equal(store.Dimensions, Vector(lines[2]).Length);
    }

    [Fact]
    public void SimilarFindsSensibleNeighbours()
    {
        var table = CliRunner.Run("vectors", "similar", "--store", store.ApproxStore, "--key", "function", "--top", "5");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Nearest to 'function'", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("functions", table.Stdout, StringComparison.Ordinal);

        var json = CliRunner.Run("vectors", "similar", "--store", store.ApproxStore, "--key", "function", "--top", "5", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var neighbours = Neighbours(json.Stdout);
        Assert.Equal(5, neighbours.Length);
        Assert.StartsWith("func", neighbours[0].Key, StringComparison.Ordinal);
        Assert.DoesNotContain(neighbours, n => n.Key == "function");
        Assert.True(neighbours.Zip(neighbours.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
        Assert.All(neighbours, n => Assert.InRange(n.Similarity, -1.0001, 1.0001));

        var approx = CliRunner.Run("vectors", "similar", "--store", store.ApproxStore, "--key", "function", "--top", "5", "--json", "--approx");
        Assert.True(approx.ExitCode == 0, approx.ToString());
        Assert.Equal(neighbours[0].Key, Neighbours(approx.Stdout)[0].Key);

        // An out-of-vocabulary misspelling's nearest stored word is its source.
        var oov = CliRunner.Run("vectors", "similar", "--store", store.ExactStore, "--key", "funtcion", "--top", "3", "--json");
        Assert.True(oov.ExitCode == 0, oov.ToString());
        Assert.Equal("function", Neighbours(oov.Stdout)[0].Key);
    }

    [Fact]
    public void UnknownFormatOrDTypeExits2WithoutOutput()
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("store.mvs");
        var format = CliRunner.Run("vectors", "convert", "--input", store.SourcePath, "--output", output, "--format", "fasttext-ftz");
        Assert.Equal(2, format.ExitCode);
        Assert.Contains("fasttext-ftz", format.Stderr, StringComparison.Ordinal);
        var notAModel = CliRunner.Run("vectors", "convert", "--input", store.SourcePath, "--output", output, "--format", "fasttext-bin");
        Assert.Equal(2, notAModel.ExitCode);
        Assert.Contains("not a fastText model", notAModel.Stderr, StringComparison.Ordinal);
        var dtype = CliRunner.Run("vectors", "convert", "--input", store.SourcePath, "--output", output, "--dtype", "f64");
        Assert.Equal(2, dtype.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void RaggedDimensionsExit2NamingTheLineWithoutOutput()
    {
        using var folder = new TempFolder();
        string input = folder.File("ragged.vec", "3 4\na 1 2 3 4\nb 1 2 3\nc 1 2 3 4\n");
        string output = folder.PathOf("store.mvs");
        var result = CliRunner.Run("vectors", "convert", "--input", input, "--output", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ragged.vec:3", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ragged dimensions", result.Stderr, StringComparison.Ordinal);
        Assert.Equal([input], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void MissingFilesExit2()
    {
        using var folder = new TempFolder();
        string keys = folder.File("keys.txt", "the\n");
        var convert = CliRunner.Run("vectors", "convert", "--input", folder.PathOf("nope.vec"), "--output", folder.PathOf("s.mvs"));
        Assert.Equal(2, convert.ExitCode);
        Assert.Contains("does not exist", convert.Stderr, StringComparison.Ordinal);
        var query = CliRunner.Run("vectors", "query", "--store", folder.PathOf("nope.mvs"), "--input", keys, "--output", folder.PathOf("o.jsonl"));
        Assert.Equal(2, query.ExitCode);
        Assert.Contains("--store", query.Stderr, StringComparison.Ordinal);
        var info = CliRunner.Run("vectors", "info", "--store", keys);
        Assert.Equal(2, info.ExitCode);
        Assert.Contains("not a Manabi vector store", info.Stderr, StringComparison.Ordinal);
        Assert.Equal([keys], Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void ApproxOnAStoreWithoutTheGraphExits2()
    {
        var result = CliRunner.Run("vectors", "similar", "--store", store.ExactStore, "--key", "the", "--approx");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no approximate index", result.Stderr, StringComparison.Ordinal);
        var top = CliRunner.Run("vectors", "similar", "--store", store.ExactStore, "--key", "the", "--top", "0");
        Assert.Equal(2, top.ExitCode);
        Assert.Contains("--top", top.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedStoreExits2Everywhere()
    {
        using var folder = new TempFolder();
        byte[] bytes = File.ReadAllBytes(store.ApproxStore);
        string damaged = folder.PathOf("truncated.mvs");
        File.WriteAllBytes(damaged, bytes[..(bytes.Length - 1000)]);
        AssertUnusable(folder, damaged, "truncated", infoFails: true);
    }

    [Fact]
    public void CorruptedStoreExits2OnQueryAndSimilar()
    {
        using var folder = new TempFolder();
        byte[] bytes = File.ReadAllBytes(store.ApproxStore);
        foreach (double where in new[] { 0.25, 0.5, 0.9 })
        {
            bytes[(int)(bytes.Length * where)] ^= 0x5A;
        }
        string damaged = folder.PathOf("corrupted.mvs");
        File.WriteAllBytes(damaged, bytes);
        AssertUnusable(folder, damaged, "checksum", infoFails: false);
        var verify = CliRunner.Run("vectors", "info", "--store", damaged, "--verify");
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("checksum", verify.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ForgedSectionOffsetExits2NamingTheFileWithoutAStackTrace()
    {
        using var folder = new TempFolder();
        byte[] bytes = File.ReadAllBytes(store.ApproxStore);
        // Section 0 (key offsets) at -8, with the header checksum recomputed so that only the bounds checks stand
        // between the forged offset and a read outside the mapped file.
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(128), -8);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1024 - 8), HeaderHash(bytes.AsSpan(0, 1024 - 8), 0));
        string forged = folder.PathOf("forged.mvs");
        File.WriteAllBytes(forged, bytes);
        var similar = CliRunner.Run("vectors", "similar", "--store", forged, "--key", "the");
        Assert.True(similar.ExitCode == 2, similar.ToString());
        Assert.Contains("forged.mvs: section 'KeyOffsets' offset -8 is outside the file", similar.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", similar.Stderr, StringComparison.Ordinal);
        AssertUnusable(folder, forged, "offset -8", infoFails: true);
        var verify = CliRunner.Run("vectors", "info", "--store", forged, "--verify");
        Assert.Equal(2, verify.ExitCode);
        Assert.DoesNotContain("   at ", verify.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreOfAnotherVersionExits2()
    {
        using var folder = new TempFolder();
        byte[] bytes = File.ReadAllBytes(store.ApproxStore);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);
        string other = folder.PathOf("v2.mvs");
        File.WriteAllBytes(other, bytes);
        AssertUnusable(folder, other, "version 2", infoFails: true);
    }

    [Fact]
    public void InvalidUtf8KeysExit2WithoutOutput()
    {
        using var folder = new TempFolder();
        string input = folder.PathOf("keys.txt");
        File.WriteAllBytes(input, [(byte)'t', (byte)'h', (byte)'e', (byte)'\n', 0xFF, 0xFE, (byte)'\n']);
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("vectors", "query", "--store", store.ExactStore, "--input", input, "--output", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keys.txt:2", result.Stderr, StringComparison.Ordinal);
        Assert.Equal([input], Directory.GetFileSystemEntries(folder.Path));
    }

    private delegate ulong Hash64(ReadOnlySpan<byte> data, ulong seed);

    /// <summary>The store's own (internal) xxHash64, so a forged header gets past the header checksum.</summary>
    private static ulong HeaderHash(ReadOnlySpan<byte> data, ulong seed) =>
        typeof(Manabi.Vectors.VectorStore).Assembly.GetType("Manabi.Vectors.XxHash", throwOnError: true)!
            .GetMethod("Hash64")!.CreateDelegate<Hash64>()(data, seed);

    private static void AssertUnusable(TempFolder folder, string damaged, string message, bool infoFails)
    {
        string keys = folder.File("keys.txt", "the\nfunction\nfuntcion\n");
        string output = folder.PathOf("out.jsonl");
        var query = CliRunner.Run("vectors", "query", "--store", damaged, "--input", keys, "--output", output);
        Assert.True(query.ExitCode == 2, query.ToString());
        Assert.Contains(message, query.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("error: ", query.Stderr, StringComparison.Ordinal);
        Assert.Equal("", query.Stdout);
        var similar = CliRunner.Run("vectors", "similar", "--store", damaged, "--key", "the", "--json");
        Assert.True(similar.ExitCode == 2, similar.ToString());
        Assert.Contains(message, similar.Stderr, StringComparison.Ordinal);
        Assert.Equal("", similar.Stdout);
        var info = CliRunner.Run("vectors", "info", "--store", damaged);
        Assert.Equal(infoFails ? 2 : 0, info.ExitCode);
        Assert.Equal(new[] { damaged, keys }.Order(), Directory.GetFileSystemEntries(folder.Path).Order());
    }

    private static JsonElement[] ReadLines(string path) =>
        [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static float[] Vector(JsonElement line) => [.. line.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle())];

    private static (string Key, double Similarity)[] Neighbours(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("similarity").GetDouble()))];
    }

    private static double Norm(float[] vector) => Math.Sqrt(Dot(vector, vector));

    private static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
}

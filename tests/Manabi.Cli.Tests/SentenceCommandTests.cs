using System.Globalization;
using System.Text.Json;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

public sealed class SentenceCommandTests
{
    private static string TinyModel => Fixtures.Path("sbert", "tiny-sbert");

    [Fact]
    public void Embed_writes_one_json_line_per_input_in_order_matching_sentence_transformers()
    {
        using var folder = new TempFolder();
        using var golden = GoldenJson.Load("sbert", "tiny-sbert-golden.json");
        string[] texts = golden.RootElement.GetProperty("texts_public").EnumerateArray().Select(e => e.GetString()!).Take(5).ToArray();
        string input = folder.File("texts.txt", string.Join('\n', texts) + "\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", output, "--batch-size", "2");
        Assert.True(result.ExitCode == 0, result.Stderr);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(5, lines.Length);
        var expected = GoldenJson.Matrix(golden.RootElement.GetProperty("normalized_mean"));
        for (int i = 0; i < 5; i++)
        {
            double[] actual = JsonDocument.Parse(lines[i]).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(64, actual.Length);
            Assert.True(expected[i].Zip(actual).All(p => Math.Abs(p.First - p.Second) < 1e-5), $"line {i + 1}");
        }
    }

    /// <summary>Writes the tiny model's public golden texts to the folder and embeds them in float32 into <paramref name="output"/>; returns the input file.</summary>
    private static string EmbedFloat32(TempFolder folder, string output)
    {
        using var golden = GoldenJson.Load("sbert", "tiny-sbert-golden.json");
        string[] texts = golden.RootElement.GetProperty("texts_public").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string input = folder.File("texts.txt", string.Join('\n', texts) + "\n");
        var plain = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf(output));
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        return input;
    }

    private static double[][] Vectors(string jsonl) =>
        [.. File.ReadAllLines(jsonl).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray())];

    [Fact]
    public void Embed_quantize_int8_stays_close_to_float32_and_prints_no_libtorch_warnings()
    {
        using var folder = new TempFolder();
        string input = EmbedFloat32(folder, "f32.jsonl");
        // A child process: libtorch's own warnings go to the native error stream, which an in-process run cannot see.
        using (var cli = new CliProcess(folder.Path, "embed", "--model", TinyModel, "--input", input, "--output", "i8.jsonl", "--quantize", "int8"))
        {
            var quantized = cli.WaitForExit(TimeSpan.FromMinutes(2));
            Assert.True(quantized.ExitCode == 0, quantized.ToString());
            Assert.DoesNotContain("deprecated", quantized.Stderr, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Warning", quantized.Stderr, StringComparison.Ordinal);
        }
        var f32 = Vectors(folder.PathOf("f32.jsonl"));
        var i8 = Vectors(folder.PathOf("i8.jsonl"));
        Assert.Equal(f32.Length, i8.Length);
        double mean = f32.Zip(i8).Average(p => p.First.Zip(p.Second).Sum(x => x.First * x.Second)); // unit vectors
        Assert.True(mean >= 0.98, $"mean cosine {mean:F4}");
        Assert.True(f32.Zip(i8).Any(p => p.First.Zip(p.Second).Any(x => Math.Abs(x.First - x.Second) > 1e-5)), "--quantize int8 wrote the float32 embeddings");

        var wrong = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf("x.jsonl"), "--quantize", "int4");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("int4", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_dtype_bfloat16_stays_close_to_float32_and_excludes_int8()
    {
        using var folder = new TempFolder();
        string input = EmbedFloat32(folder, "f32.jsonl");
        var half = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf("bf16.jsonl"), "--dtype", "bfloat16");
        Assert.True(half.ExitCode == 0, half.Stderr);
        var f32 = Vectors(folder.PathOf("f32.jsonl"));
        var bf16 = Vectors(folder.PathOf("bf16.jsonl"));
        Assert.Equal(f32.Length, bf16.Length);
        double worst = f32.Zip(bf16).Min(p => p.First.Zip(p.Second).Sum(x => x.First * x.Second)); // unit vectors
        Assert.True(worst >= 0.999, $"lowest cosine {worst:F5}");
        Assert.True(f32.Zip(bf16).Any(p => p.First.Zip(p.Second).Any(x => Math.Abs(x.First - x.Second) > 1e-5)), "--dtype bfloat16 wrote the float32 embeddings");

        var both = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf("x.jsonl"), "--dtype", "bfloat16", "--quantize", "int8");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("alternatives", both.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.PathOf("x.jsonl")));
        var wrong = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf("x.jsonl"), "--dtype", "float16");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("float16", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_reads_jsonl_and_honours_pooling_and_no_normalize()
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.jsonl", "{\"text\": \"Hello, world!!\"}\n\n{\"text\": \"annoyingly\"}\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", output, "--pooling", "cls+max", "--no-normalize");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var first = JsonDocument.Parse(File.ReadAllLines(output)[0]).RootElement.GetProperty("embedding");
        Assert.Equal(128, first.GetArrayLength());
        double norm = Math.Sqrt(first.EnumerateArray().Sum(e => e.GetDouble() * e.GetDouble()));
        Assert.NotEqual(1.0, norm, 3);
    }

    [Fact]
    public void Embed_rejects_bad_input_with_file_and_line()
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.jsonl", "{\"text\": \"ok\"}\n{\"txt\": \"typo\"}\n");
        var result = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf("o.jsonl"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("texts.jsonl:2", result.Stderr);
        Assert.False(File.Exists(folder.PathOf("o.jsonl")));

        var badPooling = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", folder.PathOf("o.jsonl"), "--pooling", "median");
        Assert.Equal(2, badPooling.ExitCode);
        Assert.Contains("median", badPooling.Stderr);

        var missingModel = CliRunner.Run("embed", "--model", folder.PathOf("nope"), "--input", input, "--output", folder.PathOf("o.jsonl"));
        Assert.Equal(2, missingModel.ExitCode);
    }

    [Fact]
    public void Similarity_prints_the_cosine()
    {
        var same = CliRunner.Run("similarity", "A cat sits.", "A cat sits.", "--model", TinyModel);
        Assert.True(same.ExitCode == 0, same.Stderr);
        Assert.Equal(1.0, double.Parse(same.Stdout.Trim(), CultureInfo.InvariantCulture), 5);
        var different = CliRunner.Run("similarity", "A cat sits.", "Quarterly revenue grew.", "--model", TinyModel);
        double value = double.Parse(different.Stdout.Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(value, -1.0, 0.99999);
    }

    [Fact]
    public void Search_builds_the_index_once_then_reuses_it()
    {
        using var folder = new TempFolder();
        string corpus = folder.File("corpus.txt", "The cat sleeps on the sofa.\n\nStocks fell sharply today.\nA kitten naps on the couch.\nThe train was late.\n");
        string index = folder.PathOf("index");
        var first = CliRunner.Run("search", "--corpus", corpus, "--query", "The cat sleeps on the sofa.", "--top", "2", "--index", index, "--model", TinyModel);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("Built", first.Stderr);
        string[] hits = first.Stdout.Trim().Split('\n');
        Assert.Equal(2, hits.Length);
        Assert.Equal(["1.0000", "1", "The cat sleeps on the sofa."], hits[0].Split('\t'));
        var second = CliRunner.Run("search", "--corpus", corpus, "--query", "stock market", "--index", index, "--model", TinyModel);
        Assert.Contains("Reusing", second.Stderr);
        Assert.Equal(4, second.Stdout.Trim().Split('\n').Length);
    }

    [Fact]
    public void Search_rebuilds_a_damaged_or_old_format_index_and_answers()
    {
        using var folder = new TempFolder();
        string corpus = folder.File("corpus.txt", "The cat sleeps on the sofa.\nStocks fell sharply today.\nThe train was late.\n");
        string index = folder.PathOf("index");
        string[] search = ["search", "--corpus", corpus, "--query", "The train was late.", "--top", "1", "--index", index, "--model", TinyModel];
        var built = CliRunner.Run(search);
        Assert.True(built.ExitCode == 0, built.Stderr);

        // Truncated: the fingerprint still matches, so only opening the store can tell.
        string vectors = Path.Combine(index, "vectors.mvs");
        using (var stream = new FileStream(vectors, FileMode.Open))
        {
            stream.SetLength(stream.Length - 100);
        }
        var rebuilt = CliRunner.Run(search);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        Assert.Contains("damaged", rebuilt.Stderr);
        Assert.Contains("vectors.mvs", rebuilt.Stderr);
        Assert.Contains("Built", rebuilt.Stderr);
        Assert.Equal(["1.0000", "3", "The train was late."], rebuilt.Stdout.Trim().Split('\t'));
        Assert.Contains("Reusing", CliRunner.Run(search).Stderr);

        // Flipped bits keep the length; the checksums on reuse catch them. Sections are 64-byte aligned, so 64
        // consecutive bytes cannot all be padding.
        byte[] bytes = File.ReadAllBytes(vectors);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x40;
        }
        File.WriteAllBytes(vectors, bytes);
        var reverified = CliRunner.Run(search);
        Assert.True(reverified.ExitCode == 0, reverified.Stderr);
        Assert.Contains("damaged", reverified.Stderr);
        Assert.Equal(["1.0000", "3", "The train was late."], reverified.Stdout.Trim().Split('\t'));

        // An index folder of the first format (vectors.f32) reads as no index at all.
        File.Delete(vectors);
        File.WriteAllBytes(Path.Combine(index, "vectors.f32"), [.. "MNBIDX01"u8, 0, 0, 0, 0, 0, 0, 0, 0]);
        string manifest = Path.Combine(index, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("manabi-embedding-index/2", "manabi-embedding-index/1"));
        var fromOld = CliRunner.Run(search);
        Assert.True(fromOld.ExitCode == 0, fromOld.Stderr);
        Assert.Contains("Built", fromOld.Stderr);
        Assert.Equal(["1.0000", "3", "The train was late."], fromOld.Stdout.Trim().Split('\t'));
        Assert.False(File.Exists(Path.Combine(index, "vectors.f32")));
    }

    [Fact]
    public void Sbert_train_fine_tunes_saves_and_resumes()
    {
        using var folder = new TempFolder();
        string train = folder.File("train.jsonl", string.Join('\n',
            """{"anchor": "A man plays guitar.", "positive": "Someone plays a guitar.", "score": 0.9}""",
            """{"anchor": "A cat sleeps.", "positive": "Markets fell.", "score": 0.1}""",
            """{"anchor": "The train was late.", "positive": "The train arrived late.", "score": 0.95}""",
            """{"anchor": "He reads.", "positive": "A child eats.", "score": 0.0}"""));
        string dev = folder.File("dev.jsonl", string.Join('\n',
            """{"anchor": "A man plays guitar.", "positive": "A guitar is played.", "score": 0.9}""",
            """{"anchor": "A cat sleeps.", "positive": "Stocks dropped.", "score": 0.0}""",
            """{"anchor": "Onions are cut.", "positive": "Someone slices onions.", "score": 0.8}"""));
        string output = folder.PathOf("trained");
        var result = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", train, "--loss", "cosine", "--dev", dev,
            "--epochs", "2", "--batch-size", "2", "--lr", "1e-3", "--output", output);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("steps=4", result.Stdout);
        Assert.Contains("dev_spearman=", result.Stdout);
        Assert.True(File.Exists(Path.Combine(output, "modules.json")));
        var similarity = CliRunner.Run("similarity", "a", "b", "--model", output);
        Assert.Equal(0, similarity.ExitCode);

        // A second run with more epochs resumes from the checkpoints of the first.
        var resumed = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", train, "--loss", "cosine",
            "--epochs", "3", "--batch-size", "2", "--output", output);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("Resumed from step 4", resumed.Stderr);
        Assert.Contains("steps=6", resumed.Stdout);
    }

    [Theory]
    [InlineData("contrastive", """{"anchor": "a", "positive": "b", "label": "yes"}""", "\"label\" must be an integer")]
    [InlineData("triplet", """{"anchor": "a", "positive": "b"}""", "missing column \"negative\"")]
    [InlineData("cosine", "{\"anchor\": \"a\", \"positive\": \"b\", \"score\": 0.5}\n{\"anchor\": 3, \"positive\": \"b\", \"score\": 1}", "train.jsonl:2: \"anchor\" must be a string")]
    [InlineData("mnrl", "", "holds no rows")]
    public void Sbert_train_rejects_bad_rows_with_their_line(string loss, string contents, string expected)
    {
        using var folder = new TempFolder();
        string train = folder.File("train.jsonl", contents);
        var result = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", train, "--loss", loss, "--epochs", "1", "--output", folder.PathOf("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
    }
}

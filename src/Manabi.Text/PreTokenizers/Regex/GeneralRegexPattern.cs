using System.Globalization;
using DotNetRegex = System.Text.RegularExpressions.Regex;
using RegexOptions = System.Text.RegularExpressions.RegexOptions;

namespace Manabi.Text;

/// <summary>
/// Any Oniguruma split pattern, run by .NET's regex engine over a copy of the text with one UTF-16 unit per code
/// point: astral code points become BMP stand-ins of the same general category (astral literals of the pattern get
/// stand-ins of their own), so <c>\p{..}</c>, negated classes, <c>.</c> and <c>{n,m}</c> count whole code points as
/// Oniguruma does, and the matches map back to the original UTF-16 indices. Iterates matches as the onig crate's
/// <c>find_iter</c> that HF tokenizers uses: an empty match right where the previous match ended is skipped and the
/// search resumes one code point further.
/// </summary>
internal sealed class GeneralRegexPattern : ISplitPattern
{
    private readonly DotNetRegex regex;
    private readonly char[] categoryStandIns = new char[32];
    private readonly Dictionary<int, char> astralStandIns;
    private readonly HashSet<char> reservedBmp;

    /// <summary>The pattern as written in the tokenizer.json.</summary>
    public string Pattern { get; }

    /// <summary>The translated .NET pattern (for diagnostics).</summary>
    public string TranslatedPattern { get; }

    public GeneralRegexPattern(string pattern)
    {
        Pattern = pattern;
        var translation = OnigurumaTranslator.Translate(pattern);
        var excluded = new HashSet<int>();
        foreach (var (first, last) in translation.Literals)
        {
            for (int cp = first; cp <= last; cp++)
            {
                excluded.Add(cp);
            }
        }
        // Case-insensitive literals also match their case variants: keep stand-ins away from those too.
        bool Excluded(int cp) =>
            excluded.Contains(cp) || excluded.Contains(char.ToLowerInvariant((char)cp)) || excluded.Contains(char.ToUpperInvariant((char)cp));

        var used = new HashSet<char>();
        char Pick(UnicodeCategory category)
        {
            // Prefer non-ASCII candidates: a stand-in must never be confused with syntax-like or literal ASCII.
            for (int cp = 0xA0; cp < 0x10000; cp++)
            {
                if (cp is >= 0xD800 and <= 0xDFFF || cp == 0xFFFF)
                {
                    continue;
                }
                if (CharUnicodeInfo.GetUnicodeCategory(cp) == category && !Excluded(cp) && used.Add((char)cp))
                {
                    return (char)cp;
                }
            }
            // Categories with no BMP member left (never for real patterns): a noncharacter that matches nothing specific.
            return '\uFFFE';
        }

        foreach (UnicodeCategory category in Enum.GetValues<UnicodeCategory>())
        {
            categoryStandIns[(int)category] = category == UnicodeCategory.Surrogate ? '\uFFFE' : Pick(category);
        }
        astralStandIns = [];
        reservedBmp = [];
        foreach (int cp in translation.AstralLiterals.Keys)
        {
            char standIn = Pick(CharUnicodeInfo.GetUnicodeCategory(cp));
            astralStandIns[cp] = standIn;
            reservedBmp.Add(standIn);
        }
        TranslatedPattern = translation.Finish(astralStandIns);
        try
        {
            // Compiled: patterns are built once per tokenizer and shared (NativeAOT falls back to the interpreter).
            regex = new DotNetRegex(TranslatedPattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"regex pattern '{pattern}' is not valid: {e.Message}", nameof(pattern), e);
        }
    }

    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
    {
        if (text.IsEmpty)
        {
            output.Add((0, 0, false));
            return;
        }
        // One unit per code point; starts[i] is the UTF-16 index of unit i in the original text.
        string mapped;
        int[]? starts = null;
        if (NeedsMapping(text))
        {
            var units = new char[text.Length];
            starts = new int[text.Length + 1];
            int n = 0;
            for (int i = 0; i < text.Length; i++)
            {
                starts[n] = i;
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    int cp = char.ConvertToUtf32(c, text[i + 1]);
                    units[n++] = astralStandIns.TryGetValue(cp, out char s) ? s : categoryStandIns[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];
                    i++;
                }
                else
                {
                    units[n++] = reservedBmp.Contains(c) ? categoryStandIns[(int)CharUnicodeInfo.GetUnicodeCategory(c)] : c;
                }
            }
            starts[n] = text.Length;
            mapped = new string(units, 0, n);
        }
        else
        {
            mapped = text.ToString();
        }

        int prev = 0;
        int searchFrom = 0;
        int lastMatchEnd = -1;
        while (searchFrom <= mapped.Length)
        {
            var m = regex.Match(mapped, searchFrom);
            if (!m.Success)
            {
                break;
            }
            int start = m.Index, end = m.Index + m.Length;
            if (start == end && end == lastMatchEnd)
            {
                // No empty match where the previous one ended: step one code point and search again.
                searchFrom++;
                continue;
            }
            searchFrom = end;
            lastMatchEnd = end;
            int s16 = starts is null ? start : starts[start];
            int e16 = starts is null ? end : starts[end];
            if (prev != s16)
            {
                output.Add((prev, s16, false));
            }
            output.Add((s16, e16, true));
            prev = e16;
            if (start == end && searchFrom == mapped.Length)
            {
                break;
            }
        }
        if (prev != text.Length)
        {
            output.Add((prev, text.Length, false));
        }
    }

    private bool NeedsMapping(ReadOnlySpan<char> text)
    {
        if (reservedBmp.Count == 0)
        {
            return text.ContainsAnyInRange('\uD800', '\uDFFF');
        }
        foreach (char c in text)
        {
            if (char.IsSurrogate(c) || reservedBmp.Contains(c))
            {
                return true;
            }
        }
        return false;
    }
}

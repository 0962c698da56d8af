using System.Text.RegularExpressions;

namespace Manabi.Text;

/// <summary>
/// The split patterns the Replace and Split components build from tokenizer.json: a literal string (HF escapes it
/// into a regex, so matches are leftmost and non-overlapping) or a regex.
/// </summary>
internal static class ComponentPatterns
{
    /// <summary>A pattern matching <paramref name="literal"/> exactly.</summary>
    internal static ISplitPattern Literal(string literal) =>
        literal.Length == 0 ? new EmptyLiteralPattern() : new LiteralPattern(literal);

    /// <summary>A pattern for an Oniguruma regex.</summary>
    internal static ISplitPattern Regex(string pattern)
    {
        // TODO(integrator): return SplitPatterns.Regex(pattern) (helper REGEX's Oniguruma-compatible scanner) once
        // merged; .NET's Regex differs from Oniguruma outside the BMP and on \w, \s and (?i).
        return new DotNetRegexPattern(pattern);
    }

    /// <summary>Appends HF's find_matches output for a list of (start, end) matches covering the text in order.</summary>
    private static void Emit(int length, IEnumerable<(int Start, int End)> matches, List<(int Start, int End, bool IsMatch)> output)
    {
        if (length == 0)
        {
            output.Add((0, 0, false));
            return;
        }
        int previous = 0;
        foreach ((int start, int end) in matches)
        {
            if (previous != start)
            {
                output.Add((previous, start, false));
            }
            output.Add((start, end, true));
            previous = end;
        }
        if (previous != length)
        {
            output.Add((previous, length, false));
        }
    }

    /// <summary>HF escapes literals into a regex: the empty one matches between every two characters and at both ends.</summary>
    private sealed class EmptyLiteralPattern : ISplitPattern
    {
        public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
        {
            var matches = new List<(int, int)>();
            for (int i = 0; i <= text.Length; i++)
            {
                if (i > 0 && i < text.Length && char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
                {
                    continue;
                }
                matches.Add((i, i));
            }
            Emit(text.Length, matches, output);
        }
    }

    /// <summary>
    /// .NET's Regex over UTF-16 units. It sees a surrogate pair as two Cs units, so each astral code point is shown to
    /// it as two copies of a BMP stand-in of the same general category: classes such as \p{L}+ then match astral
    /// letters as Oniguruma does (counted repetitions still count the pair twice, until helper REGEX's scanner lands).
    /// </summary>
    private sealed class DotNetRegexPattern(string pattern) : ISplitPattern
    {
        private static readonly char[] StandIns = BuildStandIns();
        private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);

        private static char[] BuildStandIns()
        {
            var standIns = new char[32];
            // The highest BMP character of each category: far from the ASCII ranges patterns spell out ([a-z], [0-9]).
            for (int c = 0x80; c <= 0xFFFF; c++)
            {
                if (!char.IsSurrogate((char)c))
                {
                    standIns[(int)char.GetUnicodeCategory((char)c)] = (char)c;
                }
            }
            return standIns;
        }

        private static int SnapToCodePoint(ReadOnlySpan<char> text, int index) =>
            index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) && char.IsHighSurrogate(text[index - 1]) ? index + 1 : index;

        public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
        {
            ReadOnlySpan<char> view = text;
            if (text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
            {
                var copy = text.ToArray();
                for (int i = 0; i + 1 < copy.Length; i++)
                {
                    if (char.IsHighSurrogate(copy[i]) && char.IsLowSurrogate(copy[i + 1]))
                    {
                        var category = System.Text.Rune.GetUnicodeCategory(new System.Text.Rune(copy[i], copy[i + 1]));
                        char standIn = StandIns[(int)category];
                        if (standIn != '\0')
                        {
                            copy[i] = copy[i + 1] = standIn;
                        }
                        i++;
                    }
                }
                view = copy;
            }
            var matches = new List<(int, int)>();
            int previousEnd = 0;
            foreach (ValueMatch m in _regex.EnumerateMatches(view))
            {
                // A counted repetition ({1,3}) can stop between the two stand-ins of one pair: keep pairs whole.
                int start = Math.Max(SnapToCodePoint(text, m.Index), previousEnd);
                int end = Math.Max(SnapToCodePoint(text, m.Index + m.Length), start);
                if (end == start && m.Length > 0)
                {
                    continue;
                }
                matches.Add((start, end));
                previousEnd = end;
            }
            Emit(text.Length, matches, output);
        }
    }
}

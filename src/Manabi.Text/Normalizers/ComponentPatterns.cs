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
    internal static ISplitPattern Regex(string pattern) => SplitPatterns.Regex(pattern);

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
}

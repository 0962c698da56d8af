namespace Manabi.Text;

/// <summary>
/// What <c>NormalizedText.Split</c> and <c>NormalizedText.Replace</c> look for (HF's <c>Pattern</c> trait).
/// </summary>
public interface ISplitPattern
{
    /// <summary>
    /// Appends to <paramref name="output"/> the pieces of <paramref name="text"/>, each (start, end, isMatch) in UTF-16
    /// units, contiguous and in order, covering the whole text. Rules as HF: an empty text gives one (0, 0, false);
    /// matches may be empty (start == end, isMatch true); no empty non-match pieces otherwise.
    /// </summary>
    void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output);
}

/// <summary>Matches a literal string, leftmost first and without overlaps (HF's <c>&amp;str</c> pattern).</summary>
public sealed class LiteralPattern : ISplitPattern
{
    /// <summary>Creates the pattern; an empty literal matches nothing.</summary>
    public LiteralPattern(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        Literal = literal;
    }

    /// <summary>The literal searched for.</summary>
    public string Literal { get; }

    /// <inheritdoc/>
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Literal.Length == 0 || text.Length == 0)
        {
            output.Add((0, text.Length, false));
            return;
        }
        int previous = 0;
        while (previous < text.Length)
        {
            int found = text[previous..].IndexOf(Literal.AsSpan(), StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }
            int start = previous + found;
            if (start != previous)
            {
                output.Add((previous, start, false));
            }
            output.Add((start, start + Literal.Length, true));
            previous = start + Literal.Length;
        }
        if (previous != text.Length)
        {
            output.Add((previous, text.Length, false));
        }
    }
}

/// <summary>Matches each code point for which a predicate holds (HF's <c>Fn(char) -&gt; bool</c> pattern).</summary>
public sealed class CharPredicatePattern : ISplitPattern
{
    private readonly Func<int, bool> _predicate;

    /// <summary>Creates the pattern from a predicate over code points (a surrogate pair is one code point).</summary>
    public CharPredicatePattern(Func<int, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        _predicate = predicate;
    }

    /// <summary>Matches one code point.</summary>
    public static CharPredicatePattern Char(int codePoint) => new(c => c == codePoint);

    /// <inheritdoc/>
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (text.Length == 0)
        {
            output.Add((0, 0, false));
            return;
        }
        int lastOffset = 0;
        int i = 0;
        while (i < text.Length)
        {
            int width = NormalizedText.CodePointAt(text, i, out int cp);
            if (_predicate(cp))
            {
                if (lastOffset < i)
                {
                    output.Add((lastOffset, i, false));
                }
                output.Add((i, i + width, true));
                lastOffset = i + width;
            }
            i += width;
        }
        if (text.Length > lastOffset)
        {
            output.Add((lastOffset, text.Length, false));
        }
    }
}

/// <summary>Flips the match flag of another pattern (HF's <c>Invert</c>): a pattern for words becomes one for delimiters.</summary>
public sealed class InvertedPattern : ISplitPattern
{
    private readonly ISplitPattern _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public InvertedPattern(ISplitPattern inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc/>
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int first = output.Count;
        _inner.FindMatches(text, output);
        for (int i = first; i < output.Count; i++)
        {
            var (s, e, m) = output[i];
            output[i] = (s, e, !m);
        }
    }
}

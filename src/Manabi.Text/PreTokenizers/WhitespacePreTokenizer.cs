using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// HF's Whitespace pre-tokenizer: the pieces are the runs of word characters and the runs of other non-space
/// characters (the regex <c>\w+|[^\w\s]+</c> with the Rust regex crate's Unicode classes); whitespace is dropped.
/// </summary>
public sealed class WhitespacePreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Runs = new InvertedPattern(new RunPattern());

    /// <summary>The shared instance (the pre-tokenizer has no settings).</summary>
    public static WhitespacePreTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(Runs, SplitDelimiterBehavior.Removed, output));
    }

    /// <summary><c>\w+|[^\w\s]+</c> as a code-point scanner: each maximal run of one class is a match.</summary>
    private sealed class RunPattern : ISplitPattern
    {
        // 0: whitespace (never matched), 1: word, 2: other.
        private static int ClassOf(int cp) => CharClasses.IsWord(cp) ? 1 : CharClasses.IsSpace(cp) ? 0 : 2;

        public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
        {
            if (text.Length == 0)
            {
                output.Add((0, 0, false));
                return;
            }
            int previous = 0;
            int i = 0;
            while (i < text.Length)
            {
                int width = NormalizedText.CodePointAt(text, i, out int cp);
                int cls = ClassOf(cp);
                if (cls == 0)
                {
                    i += width;
                    continue;
                }
                int start = i;
                i += width;
                while (i < text.Length)
                {
                    int w = NormalizedText.CodePointAt(text, i, out int next);
                    if (ClassOf(next) != cls)
                    {
                        break;
                    }
                    i += w;
                }
                if (previous != start)
                {
                    output.Add((previous, start, false));
                }
                output.Add((start, i, true));
                previous = i;
            }
            if (previous != text.Length)
            {
                output.Add((previous, text.Length, false));
            }
        }
    }
}

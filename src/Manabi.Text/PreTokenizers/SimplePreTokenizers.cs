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

/// <summary>HF's WhitespaceSplit pre-tokenizer: splits on whitespace (Unicode White_Space), which is dropped.</summary>
public sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Spaces = new CharPredicatePattern(NormalizedText.IsWhitespace);

    /// <summary>The shared instance (the pre-tokenizer has no settings).</summary>
    public static WhitespaceSplitPreTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(Spaces, SplitDelimiterBehavior.Removed, output));
    }
}

/// <summary>HF's Punctuation pre-tokenizer: splits at punctuation (ASCII symbols and Unicode P*), kept as <see cref="Behavior"/> says.</summary>
public sealed class PunctuationPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Punctuation = new CharPredicatePattern(BertPreTokenizer.IsPunctuation);

    /// <summary>Creates the pre-tokenizer (HF's default: each punctuation character isolated).</summary>
    public PunctuationPreTokenizer(SplitDelimiterBehavior behavior = SplitDelimiterBehavior.Isolated)
    {
        if (!Enum.IsDefined(behavior))
        {
            throw new ArgumentOutOfRangeException(nameof(behavior), behavior, "unknown split behavior");
        }
        Behavior = behavior;
    }

    /// <summary>What becomes of the punctuation.</summary>
    public SplitDelimiterBehavior Behavior { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(Punctuation, Behavior, output));
    }
}

/// <summary>HF's Digits pre-tokenizer: separates numeric characters (Rust's <c>is_numeric</c>) from the rest, one by one or in runs.</summary>
public sealed class DigitsPreTokenizer : IPreTokenizer
{
    private static readonly ISplitPattern Numeric = new CharPredicatePattern(CharClasses.IsNumeric);

    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="individualDigits">Whether each digit is its own piece (otherwise runs of digits stay together).</param>
    public DigitsPreTokenizer(bool individualDigits = false) => IndividualDigits = individualDigits;

    /// <summary>Whether each digit is its own piece.</summary>
    public bool IndividualDigits { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var behavior = IndividualDigits ? SplitDelimiterBehavior.Isolated : SplitDelimiterBehavior.Contiguous;
        text.Split((_, piece, output) => piece.Split(Numeric, behavior, output));
    }
}

/// <summary>HF's CharDelimiterSplit pre-tokenizer: splits at one character, which is dropped.</summary>
public sealed class CharDelimiterSplitPreTokenizer : IPreTokenizer
{
    private readonly ISplitPattern _delimiter;

    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="delimiter">The delimiter (one code point).</param>
    public CharDelimiterSplitPreTokenizer(string delimiter)
    {
        ArgumentNullException.ThrowIfNull(delimiter);
        if (delimiter.EnumerateRunes().Count() != 1)
        {
            throw new ArgumentException($"the delimiter must be a single character, got \"{delimiter}\"", nameof(delimiter));
        }
        Delimiter = delimiter;
        _delimiter = CharPredicatePattern.Char(System.Text.Rune.GetRuneAt(delimiter, 0).Value);
    }

    /// <summary>The delimiter.</summary>
    public string Delimiter { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) => piece.Split(_delimiter, SplitDelimiterBehavior.Removed, output));
    }
}

/// <summary>HF's FixedLength pre-tokenizer: cuts each piece into chunks of <see cref="Length"/> characters (code points).</summary>
public sealed class FixedLengthPreTokenizer : IPreTokenizer
{
    /// <summary>Creates the pre-tokenizer (HF's default length: 5).</summary>
    public FixedLengthPreTokenizer(int length = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
    }

    /// <summary>The chunk length in characters.</summary>
    public int Length { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) =>
        {
            var chars = piece.NormalizedSpan;
            int start = 0;
            while (start < chars.Length)
            {
                int end = start;
                for (int k = 0; k < Length && end < chars.Length; k++)
                {
                    end += NormalizedText.CodePointAt(chars, end, out _);
                }
                output.Add(piece.Slice(start, end, OffsetReferential.Normalized)!);
                start = end;
            }
        });
    }
}

/// <summary>
/// HF's UnicodeScripts pre-tokenizer: splits where the script changes (SentencePiece's table, with Hiragana,
/// Katakana and U+30FC counted as Han; spaces and unlisted characters join either side).
/// </summary>
public sealed class UnicodeScriptsPreTokenizer : IPreTokenizer
{
    private static readonly byte Han = ScriptTable.IdOf("Han");
    private static readonly byte Hiragana = ScriptTable.IdOf("Hiragana");
    private static readonly byte Katakana = ScriptTable.IdOf("Katakana");

    /// <summary>The shared instance (the pre-tokenizer has no settings).</summary>
    public static UnicodeScriptsPreTokenizer Instance { get; } = new();

    private static int FixedScript(int codePoint)
    {
        if (codePoint == 0x30FC)
        {
            return Han;
        }
        if (codePoint == ' ')
        {
            return ScriptTable.Any;
        }
        byte script = (uint)codePoint < 0x110000 ? ScriptTable.GetScript(codePoint) : ScriptTable.Any;
        return script == Hiragana || script == Katakana ? Han : script;
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) =>
        {
            var chars = piece.NormalizedSpan;
            var cuts = new List<int>();
            int last = -1; // HF's None: no script seen yet.
            for (int i = 0; i < chars.Length;)
            {
                int width = NormalizedText.CodePointAt(chars, i, out int cp);
                int script = FixedScript(cp);
                if (script != ScriptTable.Any && last != ScriptTable.Any && last != script)
                {
                    cuts.Add(i);
                }
                if (script != ScriptTable.Any)
                {
                    last = script;
                }
                i += width;
            }
            // As HF: text before the first cut (a leading run of Any characters) is not part of any piece.
            cuts.Add(chars.Length);
            for (int k = 0; k + 1 < cuts.Count; k++)
            {
                output.Add(piece.Slice(cuts[k], cuts[k + 1], OffsetReferential.Normalized)!);
            }
        });
    }
}

/// <summary>HF's Sequence pre-tokenizer: applies its pre-tokenizers in order.</summary>
public sealed class SequencePreTokenizer : IPreTokenizer
{
    /// <summary>Creates the sequence.</summary>
    public SequencePreTokenizer(IEnumerable<IPreTokenizer> preTokenizers)
    {
        ArgumentNullException.ThrowIfNull(preTokenizers);
        PreTokenizers = [.. preTokenizers];
        foreach (IPreTokenizer preTokenizer in PreTokenizers)
        {
            ArgumentNullException.ThrowIfNull(preTokenizer, nameof(preTokenizers));
        }
    }

    /// <summary>The pre-tokenizers, in order.</summary>
    public IReadOnlyList<IPreTokenizer> PreTokenizers { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        foreach (IPreTokenizer preTokenizer in PreTokenizers)
        {
            preTokenizer.PreTokenize(text);
        }
    }
}

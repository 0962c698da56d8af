namespace Manabi.Text;

/// <summary>
/// HF's ByteLevel pre-tokenizer (GPT-2, RoBERTa, Llama-3...): optionally adds a leading space, splits with GPT-2's
/// regex, then rewrites each piece in the byte alphabet (every UTF-8 byte a visible character aligned to its source
/// character). <see cref="TrimOffsets"/> is the post-processor's and decoder's business; it is kept for the file.
/// </summary>
public sealed class ByteLevelPreTokenizer : IPreTokenizer
{
    /// <summary>GPT-2's split pattern (HF's ByteLevel regex).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Lazy<ISplitPattern> Gpt2 = new(() => ComponentPatterns.Regex(Gpt2Pattern));

    /// <summary>Creates the pre-tokenizer (HF's defaults: all true).</summary>
    public ByteLevelPreTokenizer(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true)
    {
        AddPrefixSpace = addPrefixSpace;
        TrimOffsets = trimOffsets;
        UseRegex = useRegex;
    }

    /// <summary>Whether a space is put before each piece that does not start with one.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>Whether offsets are trimmed of spaces (used by the ByteLevel post-processor).</summary>
    public bool TrimOffsets { get; }

    /// <summary>Whether GPT-2's regex splits the text (false: the pieces are only mapped to bytes).</summary>
    public bool UseRegex { get; }

    /// <summary>The 256 characters of the byte alphabet, in byte order.</summary>
    public static IReadOnlyList<char> Alphabet { get; } = Array.AsReadOnly(ByteLevelMapping.ByteToChar);

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) =>
        {
            if (AddPrefixSpace && (piece.IsEmpty || piece.NormalizedSpan[0] != ' '))
            {
                piece.Prepend(" ");
            }
            if (UseRegex)
            {
                piece.Split(Gpt2.Value, SplitDelimiterBehavior.Isolated, output);
            }
            else
            {
                output.Add(piece);
            }
        });
        text.Normalize(ByteLevelMapping.Apply);
    }
}

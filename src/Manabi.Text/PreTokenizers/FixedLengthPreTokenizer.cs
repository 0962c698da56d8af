using Manabi.Text.Unicode;

namespace Manabi.Text;

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

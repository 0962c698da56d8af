namespace Manabi.Text;

/// <summary>HF's truncation block: the total length including special tokens, strategy, stride and direction.</summary>
public sealed record TruncationOptions
{
    /// <summary>Creates truncation to <paramref name="maxLength"/> tokens, special tokens included.</summary>
    public TruncationOptions(int maxLength, TruncationStrategy strategy = TruncationStrategy.LongestFirst, int stride = 0,
        TruncationDirection direction = TruncationDirection.Right)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
        MaxLength = maxLength;
        Strategy = strategy;
        Stride = stride;
        Direction = direction;
    }

    /// <summary>Maximum tokens per encoding, special tokens included.</summary>
    public int MaxLength { get; init; }

    /// <summary>Which sequence of a pair is shortened.</summary>
    public TruncationStrategy Strategy { get; init; }

    /// <summary>Tokens repeated from the previous window at the start of each overflowing window.</summary>
    public int Stride { get; init; }

    /// <summary>Which end is dropped.</summary>
    public TruncationDirection Direction { get; init; }
}

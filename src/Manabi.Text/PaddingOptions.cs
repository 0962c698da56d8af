namespace Manabi.Text;

/// <summary>HF's padding block.</summary>
public sealed record PaddingOptions
{
    /// <summary>Pads to the batch's longest encoding (the default) or, with a length, to that fixed length.</summary>
    public PaddingOptions(int? fixedLength = null)
    {
        if (fixedLength is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            Strategy = PaddingStrategy.Fixed;
            Length = length;
        }
    }

    /// <summary>Batch-longest or fixed.</summary>
    public PaddingStrategy Strategy { get; init; } = PaddingStrategy.BatchLongest;

    /// <summary>The length for <see cref="PaddingStrategy.Fixed"/>.</summary>
    public int Length { get; init; }

    /// <summary>Which side the padding goes on.</summary>
    public PaddingDirection Direction { get; init; } = PaddingDirection.Right;

    /// <summary>Round the padded length up to a multiple of this (0 or null: no rounding).</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary>The padding token's id.</summary>
    public int PadId { get; init; }

    /// <summary>The type id of padding positions.</summary>
    public int PadTypeId { get; init; }

    /// <summary>The padding token.</summary>
    public string PadToken { get; init; } = "[PAD]";
}

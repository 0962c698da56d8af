namespace Manabi.Text;

/// <summary>What <c>NormalizedText.Split</c> does with the delimiters it finds (HF's <c>SplitDelimiterBehavior</c>).</summary>
public enum SplitDelimiterBehavior
{
    /// <summary>Delimiters are dropped.</summary>
    Removed,

    /// <summary>Each delimiter becomes a piece of its own.</summary>
    Isolated,

    /// <summary>Each delimiter is appended to the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>Each delimiter is prepended to the piece after it.</summary>
    MergedWithNext,

    /// <summary>Runs of consecutive delimiters become one piece.</summary>
    Contiguous,
}

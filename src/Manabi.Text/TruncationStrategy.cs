namespace Manabi.Text;

/// <summary>Which sequence of a pair loses tokens when the pair is too long (HF's names in comments).</summary>
public enum TruncationStrategy
{
    /// <summary><c>longest_first</c>: shorten the longer sequence first, then both.</summary>
    LongestFirst,
    /// <summary><c>only_first</c>: shorten only the first sequence; an error when it cannot be short enough.</summary>
    OnlyFirst,
    /// <summary><c>only_second</c>: shorten only the second sequence; an error without one or when it cannot be short enough.</summary>
    OnlySecond,
}

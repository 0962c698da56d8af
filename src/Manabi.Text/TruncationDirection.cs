namespace Manabi.Text;

/// <summary>Which end of a sequence truncation removes.</summary>
public enum TruncationDirection
{
    /// <summary>Keep the start, drop the end.</summary>
    Right,
    /// <summary>Keep the end, drop the start.</summary>
    Left,
}

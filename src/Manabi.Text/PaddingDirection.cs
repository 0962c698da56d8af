namespace Manabi.Text;

/// <summary>Which side padding tokens go on.</summary>
public enum PaddingDirection
{
    /// <summary>After the tokens.</summary>
    Right,
    /// <summary>Before the tokens.</summary>
    Left,
}

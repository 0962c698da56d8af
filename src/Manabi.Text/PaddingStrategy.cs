namespace Manabi.Text;

/// <summary>How long padded encodings become.</summary>
public enum PaddingStrategy
{
    /// <summary>As long as the longest encoding of the batch.</summary>
    BatchLongest,
    /// <summary>A fixed length (<see cref="PaddingOptions.Length"/>); longer encodings are left as they are.</summary>
    Fixed,
}

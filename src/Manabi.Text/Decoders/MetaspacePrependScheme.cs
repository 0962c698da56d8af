namespace Manabi.Text;

/// <summary>When the Metaspace pre-tokenizer puts a replacement character in front of a piece.</summary>
public enum MetaspacePrependScheme
{
    /// <summary>Before every piece that does not already start with it.</summary>
    Always,
    /// <summary>Only before the piece that starts the original text.</summary>
    First,
    /// <summary>Never.</summary>
    Never,
}

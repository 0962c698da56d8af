using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Lowercase normalizer: Rust's full lowercase mapping, character by character.</summary>
public sealed class LowercaseNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static LowercaseNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (NormalizerScan.MayChangeCase(text))
        {
            text.Lowercase();
        }
    }
}

/// <summary>HF's Strip normalizer: removes leading and/or trailing whitespace (Unicode White_Space).</summary>
public sealed class StripNormalizer : ITextNormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public StripNormalizer(bool stripLeft = true, bool stripRight = true)
    {
        StripLeft = stripLeft;
        StripRight = stripRight;
    }

    /// <summary>Whether leading whitespace is removed.</summary>
    public bool StripLeft { get; }

    /// <summary>Whether trailing whitespace is removed.</summary>
    public bool StripRight { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (StripLeft && StripRight)
        {
            text.Strip();
            return;
        }
        if (StripLeft)
        {
            text.LStrip();
        }
        if (StripRight)
        {
            text.RStrip();
        }
    }
}

/// <summary>
/// HF's StripAccents normalizer: removes combining marks (general category M in Unicode 9.0). It does not
/// decompose first: put an NFD or NFKD normalizer before it, as HF's pipelines do.
/// </summary>
public sealed class StripAccentsNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static StripAccentsNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (NormalizerScan.Any(text, NormalizationTables.IsCombiningMark))
        {
            text.Filter(cp => !NormalizationTables.IsCombiningMark(cp));
        }
    }
}

/// <summary>HF's Prepend normalizer: puts a string before any non-empty text (SentencePiece's ▁ prefix).</summary>
public sealed class PrependNormalizer : ITextNormalizer
{
    /// <summary>Creates the normalizer.</summary>
    public PrependNormalizer(string prepend)
    {
        ArgumentNullException.ThrowIfNull(prepend);
        Prepend = prepend;
    }

    /// <summary>The string put in front.</summary>
    public string Prepend { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.IsEmpty)
        {
            text.Prepend(Prepend);
        }
    }
}

/// <summary>
/// HF's Replace normalizer: replaces every match of a string or (Oniguruma-syntax) regex with a content string;
/// the replacement aligns to the match's original span.
/// </summary>
public sealed class ReplaceNormalizer : ITextNormalizer
{
    private readonly ISplitPattern _pattern;

    /// <summary>Creates the normalizer.</summary>
    /// <param name="pattern">The string to find, or a regex when <paramref name="isRegex"/>.</param>
    /// <param name="content">The replacement.</param>
    /// <param name="isRegex">Whether <paramref name="pattern"/> is a regex.</param>
    public ReplaceNormalizer(string pattern, string content, bool isRegex = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(content);
        Pattern = pattern;
        Content = content;
        IsRegex = isRegex;
        _pattern = isRegex ? ComponentPatterns.Regex(pattern) : ComponentPatterns.Literal(pattern);
    }

    /// <summary>The pattern.</summary>
    public string Pattern { get; }

    /// <summary>The replacement.</summary>
    public string Content { get; }

    /// <summary>Whether <see cref="Pattern"/> is a regex.</summary>
    public bool IsRegex { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Replace(_pattern, Content);
    }
}

/// <summary>
/// HF's ByteLevel normalizer: rewrites the text as GPT-2's byte alphabet (each UTF-8 byte a visible character),
/// every byte aligned to the character it came from.
/// </summary>
public sealed class ByteLevelNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static ByteLevelNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.IsEmpty)
        {
            ByteLevelMapping.Apply(text);
        }
    }
}

/// <summary>
/// HF's Nmt normalizer (SentencePiece's nmt_nfkc without the NFKC): drops most C0 controls and maps other
/// control and separator characters to a space.
/// </summary>
public sealed class NmtNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NmtNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Filter(cp => !(cp is >= 0x1 and <= 0x8 or 0xB or >= 0xE and <= 0x1F or 0x7F or 0x8F or 0x9F));
        text.Map(cp => cp is 0x9 or 0xA or 0xC or 0xD or 0x1680 or >= 0x200B and <= 0x200F or 0x2028 or 0x2029 or 0x2581
            or 0xFEFF or 0xFFFD ? ' ' : cp);
    }
}

/// <summary>HF's Sequence normalizer: applies its normalizers in order.</summary>
public sealed class SequenceNormalizer : ITextNormalizer
{
    /// <summary>Creates the sequence.</summary>
    public SequenceNormalizer(IEnumerable<ITextNormalizer> normalizers)
    {
        ArgumentNullException.ThrowIfNull(normalizers);
        Normalizers = [.. normalizers];
        foreach (ITextNormalizer normalizer in Normalizers)
        {
            ArgumentNullException.ThrowIfNull(normalizer, nameof(normalizers));
        }
    }

    /// <summary>The normalizers, in order.</summary>
    public IReadOnlyList<ITextNormalizer> Normalizers { get; }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        foreach (ITextNormalizer normalizer in Normalizers)
        {
            normalizer.Normalize(text);
        }
    }
}

using Manabi.Text.Unicode;

namespace Manabi.Text;

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

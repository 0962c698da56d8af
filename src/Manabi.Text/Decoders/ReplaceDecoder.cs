using System.Text;

namespace Manabi.Text;

/// <summary>HF's Replace decoder: replaces every match of a string or regex pattern in each token.</summary>
public sealed class ReplaceDecoder : ITokenDecoder
{
    private readonly ISplitPattern _pattern;

    /// <summary>Creates the decoder.</summary>
    /// <param name="pattern">The string to find, or a regex when <paramref name="isRegex"/>.</param>
    /// <param name="content">The replacement.</param>
    /// <param name="isRegex">Whether <paramref name="pattern"/> is an (Oniguruma-syntax) regex.</param>
    public ReplaceDecoder(string pattern, string content, bool isRegex = false)
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
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var matches = new List<(int Start, int End, bool IsMatch)>();
        var builder = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            matches.Clear();
            builder.Clear();
            _pattern.FindMatches(token, matches);
            foreach ((int start, int end, bool isMatch) in matches)
            {
                if (isMatch)
                {
                    builder.Append(Content);
                }
                else
                {
                    builder.Append(token, start, end - start);
                }
            }
            tokens[i] = builder.ToString();
        }
    }
}

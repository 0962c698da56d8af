using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's Strip decoder: removes up to <see cref="Start"/> leading and <see cref="Stop"/> trailing occurrences of
/// <see cref="Content"/> from each token (counted in characters, stopping at the first other character).
/// </summary>
public sealed class StripDecoder : ITokenDecoder
{
    /// <summary>Creates the decoder.</summary>
    /// <param name="content">The character to strip (one code point).</param>
    /// <param name="start">How many to strip at most at the start of each token.</param>
    /// <param name="stop">How many to strip at most at the end of each token.</param>
    public StripDecoder(string content, int start, int stop)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.EnumerateRunes().Count() != 1)
        {
            throw new ArgumentException($"content must be a single character, got \"{content}\"", nameof(content));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(stop);
        Content = content;
        Start = start;
        Stop = stop;
    }

    /// <summary>The character to strip.</summary>
    public string Content { get; }

    /// <summary>How many to strip at most at the start.</summary>
    public int Start { get; }

    /// <summary>How many to strip at most at the end.</summary>
    public int Stop { get; }

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Rune content = Rune.GetRuneAt(Content, 0);
        for (int t = 0; t < tokens.Count; t++)
        {
            Rune[] chars = tokens[t].EnumerateRunes().ToArray();
            int startCut = 0;
            while (startCut < Math.Min(Start, chars.Length) && chars[startCut] == content)
            {
                startCut++;
            }
            int stopCut = chars.Length;
            // HF panics when a token is shorter than stop and made only of content; clamping keeps it empty instead.
            while (chars.Length - stopCut < Stop && stopCut > 0 && chars[stopCut - 1] == content)
            {
                stopCut--;
            }
            var builder = new StringBuilder();
            for (int i = startCut; i < stopCut; i++)
            {
                builder.Append(chars[i].ToString());
            }
            tokens[t] = builder.ToString();
        }
    }
}

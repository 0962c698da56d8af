using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's Metaspace decoder: turns the replacement character back into spaces, except in the first token when a
/// prefix was prepended (<see cref="PrependScheme"/> other than Never), where it is dropped.
/// </summary>
public sealed class MetaspaceDecoder : ITokenDecoder
{
    /// <summary>Creates the decoder.</summary>
    /// <param name="replacement">The character standing for a space (a single code point), ▁ by default.</param>
    /// <param name="prependScheme">How the pre-tokenizer prepended the replacement.</param>
    /// <param name="split">Kept for the tokenizer.json round trip (the pre-tokenizer's setting).</param>
    public MetaspaceDecoder(string replacement = "\u2581", MetaspacePrependScheme prependScheme = MetaspacePrependScheme.Always, bool split = true)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (replacement.EnumerateRunes().Count() != 1)
        {
            throw new ArgumentException($"the replacement must be a single character, got \"{replacement}\"", nameof(replacement));
        }
        Replacement = replacement;
        PrependScheme = prependScheme;
        Split = split;
    }

    /// <summary>The character standing for a space.</summary>
    public string Replacement { get; }

    /// <summary>How the pre-tokenizer prepended the replacement.</summary>
    public MetaspacePrependScheme PrependScheme { get; }

    /// <summary>The pre-tokenizer's split setting (unused when decoding).</summary>
    public bool Split { get; }

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (!token.Contains(Replacement, StringComparison.Ordinal))
            {
                continue;
            }
            tokens[i] = i == 0 && PrependScheme != MetaspacePrependScheme.Never
                ? token.Replace(Replacement, "", StringComparison.Ordinal)
                : token.Replace(Replacement, " ", StringComparison.Ordinal);
        }
    }
}

using System.Runtime.InteropServices;
using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>Shared body of the four Unicode normalization forms.</summary>
internal static class UnicodeForms
{
    internal static void Apply(NormalizedText text, bool compose, bool compatible)
    {
        var chars = text.NormalizedSpan;
        var codePoints = new List<int>(chars.Length);
        bool ascii = true;
        for (int i = 0; i < chars.Length;)
        {
            i += NormalizedText.CodePointAt(chars, i, out int cp);
            codePoints.Add(cp);
            ascii &= cp < 0x80;
        }
        if (ascii)
        {
            // ASCII is invariant under every form: skip the rebuild (the alignments would not change either).
            return;
        }
        var changes = new List<(int CodePoint, int Change)>(codePoints.Count + 8);
        if (compose)
        {
            NormalizationTables.Compose(CollectionsMarshal.AsSpan(codePoints), compatible, changes);
        }
        else
        {
            NormalizationTables.Decompose(CollectionsMarshal.AsSpan(codePoints), compatible, changes);
        }
        text.Transform(CollectionsMarshal.AsSpan(changes));
    }
}

/// <summary>
/// HF's NFD normalizer: canonical decomposition with the Unicode 9.0 data HF tokenizers uses
/// (unicode-normalization-alignments), each output character aligned as HF aligns it.
/// </summary>
public sealed class NfdNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfdNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: false, compatible: false);
    }
}

/// <summary>HF's NFKD normalizer: compatibility decomposition (Unicode 9.0 data, HF's alignments).</summary>
public sealed class NfkdNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfkdNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: false, compatible: true);
    }
}

/// <summary>HF's NFC normalizer: canonical decomposition then composition (Unicode 9.0 data, HF's alignments).</summary>
public sealed class NfcNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfcNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: true, compatible: false);
    }
}

/// <summary>HF's NFKC normalizer: compatibility decomposition then composition (Unicode 9.0 data, HF's alignments).</summary>
public sealed class NfkcNormalizer : ITextNormalizer
{
    /// <summary>The shared instance (the normalizer has no settings).</summary>
    public static NfkcNormalizer Instance { get; } = new();

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        UnicodeForms.Apply(text, compose: true, compatible: true);
    }
}

/// <summary>Cheap scans that let a normalizer skip an edit that would change nothing (an identity edit keeps alignments).</summary>
internal static class NormalizerScan
{
    /// <summary>Whether any code point of the text satisfies <paramref name="predicate"/>.</summary>
    internal static bool Any(NormalizedText text, Func<int, bool> predicate)
    {
        var chars = text.NormalizedSpan;
        for (int i = 0; i < chars.Length;)
        {
            i += NormalizedText.CodePointAt(chars, i, out int cp);
            if (predicate(cp))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether lowercasing could change the text: any ASCII capital or any non-ASCII character.</summary>
    internal static bool MayChangeCase(NormalizedText text)
    {
        foreach (char c in text.NormalizedSpan)
        {
            if (c >= 0x80 || char.IsAsciiLetterUpper(c))
            {
                return true;
            }
        }
        return false;
    }
}

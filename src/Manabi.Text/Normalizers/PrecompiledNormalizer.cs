using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's Precompiled normalizer: SentencePiece's compiled normalization rules (a <c>precompiled_charsmap</c>: a
/// double-array trie over UTF-8 keys and the NUL-terminated replacement strings). Each grapheme cluster shorter than
/// six UTF-8 bytes is looked up whole, otherwise each of its characters; the replacements align as HF aligns them.
/// </summary>
public sealed class PrecompiledNormalizer : ITextNormalizer
{
    private readonly uint[] _trie;
    private readonly byte[] _normalized;
    private readonly byte[] _charsmap;

    /// <summary>Parses a charsmap (little-endian u32 trie size in bytes, the trie's units, then the replacement strings).</summary>
    /// <exception cref="FormatException">The blob is truncated or its strings are not UTF-8.</exception>
    public PrecompiledNormalizer(byte[] precompiledCharsmap)
    {
        ArgumentNullException.ThrowIfNull(precompiledCharsmap);
        if (precompiledCharsmap.Length < 4)
        {
            throw new FormatException($"precompiled_charsmap: {precompiledCharsmap.Length} bytes, too short for its trie size");
        }
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(precompiledCharsmap);
        long units = trieBytes / 4;
        if (4 + (units * 4) > precompiledCharsmap.Length)
        {
            throw new FormatException($"precompiled_charsmap: the trie needs {trieBytes} bytes but only {precompiledCharsmap.Length - 4} follow");
        }
        _trie = new uint[units];
        for (int i = 0; i < units; i++)
        {
            _trie[i] = BinaryPrimitives.ReadUInt32LittleEndian(precompiledCharsmap.AsSpan(4 + (4 * i)));
        }
        _normalized = precompiledCharsmap[(int)(4 + (units * 4))..];
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_normalized);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("precompiled_charsmap: the normalized strings are not valid UTF-8", e);
        }
        if (_trie.Length == 0)
        {
            throw new FormatException("precompiled_charsmap: the trie is empty");
        }
        _charsmap = precompiledCharsmap;
    }

    /// <summary>The charsmap as given (tokenizer.json stores it in base64).</summary>
    public ReadOnlySpan<byte> PrecompiledCharsmap => _charsmap;

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static int Value(uint unit) => (int)(unit & ((1u << 31) - 1));

    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);

    private static int Offset(uint unit) => (int)((unit >> 10) << (int)((unit & (1u << 9)) >> 6));

    /// <summary>
    /// The replacement of <paramref name="key"/>: the value of the SHORTEST key of the trie that is a prefix of it (the
    /// first result of the common prefix search, as spm_precompiled's transform takes), or null.
    /// </summary>
    internal string? Transform(ReadOnlySpan<byte> key)
    {
        int node = Offset(_trie[0]);
        foreach (byte c in key)
        {
            if (c == 0)
            {
                break;
            }
            node ^= c;
            if ((uint)node >= (uint)_trie.Length)
            {
                return null;
            }
            uint unit = _trie[node];
            if (Label(unit) != c)
            {
                return null;
            }
            node ^= Offset(unit);
            if (HasLeaf(unit))
            {
                return (uint)node < (uint)_trie.Length ? NormalizedAt(Value(_trie[node])) : null;
            }
        }
        return null;
    }

    private string? NormalizedAt(int index)
    {
        if ((uint)index > (uint)_normalized.Length)
        {
            return null;
        }
        int end = index;
        while (end < _normalized.Length && _normalized[end] != 0)
        {
            end++;
        }
        return Encoding.UTF8.GetString(_normalized, index, end - index);
    }

    /// <summary>Normalizes a plain string (no alignments): what HF's normalizer would make of it.</summary>
    public string NormalizeString(string text)
    {
        var normalized = new NormalizedText(text);
        Normalize(normalized);
        return normalized.Normalized;
    }

    /// <inheritdoc/>
    public void Normalize(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Normalized;
        var changes = new List<(int CodePoint, int Change)>(s.Length);
        bool modified = false;
        Span<byte> utf8 = stackalloc byte[16];
        int i = 0;
        while (i < s.Length)
        {
            int length = StringInfo.GetNextTextElementLength(s, i);
            string grapheme = s.Substring(i, length);
            i += length;
            int bytes = Encoding.UTF8.GetByteCount(grapheme);
            if (bytes < 6)
            {
                int n = Encoding.UTF8.GetBytes(grapheme, utf8);
                if (Transform(utf8[..n]) is { } whole)
                {
                    modified = true;
                    Replace(changes, grapheme, whole);
                    continue;
                }
            }
            for (int k = 0; k < grapheme.Length;)
            {
                int width = NormalizedText.CodePointAt(grapheme, k, out int cp);
                string part = grapheme.Substring(k, width);
                k += width;
                int n = Encoding.UTF8.GetBytes(part, utf8);
                if (Transform(utf8[..n]) is { } replacement)
                {
                    modified = true;
                    Replace(changes, part, replacement);
                }
                else
                {
                    changes.Add((cp, 0));
                }
            }
        }
        if (modified)
        {
            text.Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
        }
    }

    /// <summary>HF's precompiled <c>replace</c>: new characters appended with change 0, then the difference settled at the end.</summary>
    private static void Replace(List<(int CodePoint, int Change)> changes, string oldPart, string newPart)
    {
        int oldCount = CountCodePoints(oldPart);
        int newCount = 0;
        for (int k = 0; k < newPart.Length;)
        {
            k += NormalizedText.CodePointAt(newPart, k, out int cp);
            changes.Add((cp, 0));
            newCount++;
        }
        int diff = newCount - oldCount;
        if (diff > 0)
        {
            for (int k = changes.Count - 1; k >= changes.Count - diff && k >= 0; k--)
            {
                changes[k] = (changes[k].CodePoint, 1);
            }
        }
        else if (diff < 0 && changes.Count > 0)
        {
            // With an empty replacement this lands on the previous character's entry, as in HF.
            changes[^1] = (changes[^1].CodePoint, changes[^1].Change + diff);
        }
    }

    private static int CountCodePoints(string text)
    {
        int count = 0;
        for (int k = 0; k < text.Length; count++)
        {
            k += NormalizedText.CodePointAt(text, k, out _);
        }
        return count;
    }
}

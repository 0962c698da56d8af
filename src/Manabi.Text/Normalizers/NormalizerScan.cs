using System.Runtime.InteropServices;
using Manabi.Text.Unicode;

namespace Manabi.Text;

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

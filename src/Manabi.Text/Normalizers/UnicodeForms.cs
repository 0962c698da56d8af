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

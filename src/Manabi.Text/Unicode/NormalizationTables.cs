namespace Manabi.Text.Unicode;

/// <summary>
/// NFD, NFKD, NFC and NFKC with per-character alignment changes, as HF tokenizers gets them from
/// unicode-normalization-alignments 0.1.12 (Unicode 9.0): each output code point carries a change of 0 (the
/// first character produced from a source character), 1 (one more character inserted) or negative (source
/// characters absorbed by a composition), in the (char, change) convention of NormalizedString::transform.
/// </summary>
internal static partial class NormalizationTables
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<long, int> CompositionMap = BuildCompositions();
    private static readonly (int Start, int End)[] Marks = BuildMarks();

    private static Dictionary<long, int> BuildCompositions()
    {
        ReadOnlySpan<int> triples = Compositions;
        var map = new Dictionary<long, int>(triples.Length / 3);
        for (int i = 0; i < triples.Length; i += 3)
        {
            map[((long)triples[i] << 21) | (uint)triples[i + 1]] = triples[i + 2];
        }
        return map;
    }

    private static (int, int)[] BuildMarks()
    {
        ReadOnlySpan<int> ranges = MarkRanges;
        var marks = new (int, int)[ranges.Length / 2];
        for (int i = 0; i < marks.Length; i++)
        {
            marks[i] = (ranges[2 * i], ranges[2 * i + 1]);
        }
        return marks;
    }

    /// <summary>General category Mn, Mc or Me in Unicode 9.0 (HF's <c>is_combining_mark</c>, used by StripAccents).</summary>
    internal static bool IsCombiningMark(int codePoint)
    {
        int low = 0, high = Marks.Length - 1;
        while (low <= high)
        {
            int mid = (low + high) >> 1;
            if (codePoint < Marks[mid].Start)
            {
                high = mid - 1;
            }
            else if (codePoint > Marks[mid].End)
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }

    private static ReadOnlySpan<int> Lookup(int codePoint, ReadOnlySpan<int> keys, ReadOnlySpan<int> starts, ReadOnlySpan<int> data)
    {
        int found = keys.BinarySearch(codePoint);
        return found < 0 ? default : data[starts[found]..starts[found + 1]];
    }

    /// <summary>Emits the full decomposition of one code point (raw order, not yet reordered).</summary>
    private static void Decompose(int codePoint, bool compatible, List<int> output)
    {
        if (codePoint <= 0x7F)
        {
            output.Add(codePoint);
            return;
        }
        int s = codePoint - SBase;
        if ((uint)s < SCount)
        {
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount > 0)
            {
                output.Add(TBase + s % TCount);
            }
            return;
        }
        ReadOnlySpan<int> parts = compatible ? Lookup(codePoint, CompatibilityKeys, CompatibilityStarts, CompatibilityData) : default;
        if (parts.IsEmpty)
        {
            parts = Lookup(codePoint, CanonicalKeys, CanonicalStarts, CanonicalData);
        }
        if (parts.IsEmpty)
        {
            output.Add(codePoint);
            return;
        }
        foreach (int part in parts)
        {
            output.Add(part);
        }
    }

    /// <summary>The canonical composition of a pair, Hangul included, or -1.</summary>
    internal static int Compose(int a, int b)
    {
        if ((uint)(a - LBase) < LCount && (uint)(b - VBase) < VCount)
        {
            return SBase + (a - LBase) * NCount + (b - VBase) * TCount;
        }
        if ((uint)(a - SBase) < SCount && (a - SBase) % TCount == 0 && b > TBase && b < TBase + TCount)
        {
            return a + (b - TBase);
        }
        return CompositionMap.TryGetValue(((long)a << 21) | (uint)b, out int composite) ? composite : -1;
    }

    /// <summary>
    /// Decomposes <paramref name="codePoints"/> (NFD, or NFKD when <paramref name="compatible"/>), appending
    /// (code point, change) pairs: 0 for the first part of each source character, 1 for the others, then
    /// canonically reordered with each part keeping its change.
    /// </summary>
    internal static void Decompose(ReadOnlySpan<int> codePoints, bool compatible, List<(int CodePoint, int Change)> output)
    {
        var parts = new List<int>(4);
        int pendingStart = output.Count;
        foreach (int cp in codePoints)
        {
            parts.Clear();
            Decompose(cp, compatible, parts);
            for (int i = 0; i < parts.Count; i++)
            {
                int part = parts[i];
                if (UnicodeTables.GetCombiningClass(part) == 0)
                {
                    SortPending(output, pendingStart);
                    pendingStart = output.Count + 1;
                }
                output.Add((part, i == 0 ? 0 : 1));
            }
        }
        SortPending(output, pendingStart);
    }

    /// <summary>Stable sort by combining class of the non-starters after the last starter (the crate's sort_by_key).</summary>
    private static void SortPending(List<(int CodePoint, int Change)> output, int start)
    {
        // Insertion sort: runs of non-starters are short, and it is stable.
        for (int i = start + 1; i < output.Count; i++)
        {
            var item = output[i];
            int cc = UnicodeTables.GetCombiningClass(item.CodePoint);
            int j = i - 1;
            while (j >= start && UnicodeTables.GetCombiningClass(output[j].CodePoint) > cc)
            {
                output[j + 1] = output[j];
                j--;
            }
            output[j + 1] = item;
        }
    }

    /// <summary>
    /// NFC (or NFKC): decomposes, then recomposes as the crate's Recompositions iterator does, a composition
    /// adding the absorbed character's change minus one to the composite's.
    /// </summary>
    internal static void Compose(ReadOnlySpan<int> codePoints, bool compatible, List<(int CodePoint, int Change)> output)
    {
        var decomposed = new List<(int CodePoint, int Change)>(codePoints.Length + 8);
        Decompose(codePoints, compatible, decomposed);
        (int CodePoint, int Change)? composee = null;
        int lastClass = -1;
        var buffer = new List<(int CodePoint, int Change)>(4);
        foreach (var item in decomposed)
        {
            int cls = UnicodeTables.GetCombiningClass(item.CodePoint);
            if (composee is not { } k)
            {
                if (cls != 0)
                {
                    output.Add(item);
                    continue;
                }
                composee = item;
                continue;
            }
            if (lastClass < 0)
            {
                int composite = Compose(k.CodePoint, item.CodePoint);
                if (composite >= 0)
                {
                    composee = (composite, k.Change + item.Change - 1);
                    continue;
                }
                if (cls == 0)
                {
                    composee = item;
                    output.Add(k);
                    continue;
                }
                buffer.Add(item);
                lastClass = cls;
            }
            else
            {
                if (lastClass >= cls)
                {
                    if (cls == 0)
                    {
                        composee = item;
                        lastClass = -1;
                        output.Add(k);
                        output.AddRange(buffer);
                        buffer.Clear();
                        continue;
                    }
                    buffer.Add(item);
                    lastClass = cls;
                    continue;
                }
                int composite = Compose(k.CodePoint, item.CodePoint);
                if (composite >= 0)
                {
                    composee = (composite, k.Change + item.Change - 1);
                    continue;
                }
                buffer.Add(item);
                lastClass = cls;
            }
        }
        // Finished: the crate emits the composee, then the buffered non-starters.
        if (composee is { } last)
        {
            output.Add(last);
        }
        output.AddRange(buffer);
    }
}

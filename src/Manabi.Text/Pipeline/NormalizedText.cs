using System.Text;
using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// A text under normalization that remembers, for each UTF-16 unit of the normalized text, the span of the original
/// it came from (HF's <c>NormalizedString</c>, with UTF-16 units where HF has bytes). Every edit goes through
/// <see cref="TransformRange(int, int, OffsetReferential, ReadOnlySpan{ValueTuple{int, int}}, int)"/>, so tokens found
/// in the normalized text map back to original offsets exactly as HF's do.
/// </summary>
public sealed class NormalizedText
{
    [ThreadStatic]
    private static List<(int Start, int End, bool IsMatch)>? s_matches;

    // The original is a range of the whole input, materialized only when asked: pieces share the input string.
    private readonly string _root;
    private readonly int _rootStart;
    private readonly int _originalLength;
    private string? _original;
    // Slices share their parent's arrays (edits always build new ones): this piece is units [_start, _start + _length),
    // and a stored alignment minus _base is relative to this piece's original.
    private char[] _chars;
    private (int Start, int End)[] _alignments;
    private int _start;
    private int _base;
    private int _length;
    private string? _normalized;

    /// <summary>Starts from <paramref name="text"/>: normalized equals original, each unit aligned to its whole code point.</summary>
    public NormalizedText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _root = _original = text;
        _originalLength = text.Length;
        _normalized = text;
        _chars = text.ToCharArray();
        _length = text.Length;
        _alignments = new (int, int)[text.Length];
        for (int i = 0; i < text.Length;)
        {
            int width = CodePointAt(text, i, out _);
            for (int k = 0; k < width; k++)
            {
                _alignments[i + k] = (i, i + width);
            }
            i += width;
        }
    }

    private NormalizedText(string root, int rootStart, int originalLength, char[] chars, (int, int)[] alignments, int start, int alignmentBase,
        int length, int originalShift)
    {
        _root = root;
        _rootStart = rootStart;
        _originalLength = originalLength;
        _chars = chars;
        _alignments = alignments;
        _start = start;
        _base = alignmentBase;
        _length = length;
        OriginalShift = originalShift;
    }

    /// <summary>The original text this piece covers.</summary>
    public string Original => _original ??= _root.Substring(_rootStart, _originalLength);

    /// <summary>The original text without allocating a string.</summary>
    public ReadOnlySpan<char> OriginalSpan => _root.AsSpan(_rootStart, _originalLength);

    /// <summary>The normalized text.</summary>
    public string Normalized => _normalized ??= new string(_chars, _start, _length);

    /// <summary>The normalized text without allocating a string.</summary>
    public ReadOnlySpan<char> NormalizedSpan => _chars.AsSpan(_start, _length);

    /// <summary>For each UTF-16 unit of the normalized text, the (start, end) it came from in <see cref="Original"/>.</summary>
    public ReadOnlySpan<(int Start, int End)> Alignments
    {
        get
        {
            if (_base == 0)
            {
                return _alignments.AsSpan(_start, _length);
            }
            var rebased = new (int, int)[_length];
            for (int i = 0; i < rebased.Length; i++)
            {
                rebased[i] = Align(i);
            }
            return rebased;
        }
    }

    /// <summary>The alignment of normalized unit <paramref name="index"/>, relative to <see cref="Original"/>.</summary>
    private (int Start, int End) Align(int index)
    {
        var (start, end) = _alignments[_start + index];
        return (start - _base, end - _base);
    }

    /// <summary>Where <see cref="Original"/> starts in the whole input (non-zero for slices and splits).</summary>
    public int OriginalShift { get; }

    /// <summary>Length of the normalized text in UTF-16 units.</summary>
    public int Length => _length;

    /// <summary>Whether the normalized text is empty.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>This piece's span in the whole input (HF's <c>offsets_original</c>).</summary>
    public (int Start, int End) OriginalOffsets => (OriginalShift, OriginalShift + _originalLength);

    /// <inheritdoc/>
    public override string ToString() => Normalized;

    /// <summary>
    /// Converts a range of one referential into the other (HF's <c>convert_offsets</c>, quirks included: an empty range
    /// is returned unchanged). Null when the range cannot be converted.
    /// </summary>
    public (int Start, int End)? ConvertOffsets(int start, int end, OffsetReferential from)
    {
        if (start == end)
        {
            return (start, end);
        }
        if (start > end)
        {
            return null;
        }
        if (from == OffsetReferential.Original)
        {
            int s = -1, e = -1;
            for (int i = 0; i < _length; i++)
            {
                var a = Align(i);
                if (end < a.End)
                {
                    break;
                }
                if (s < 0 && start <= a.Start && a.Start != a.End)
                {
                    s = i;
                }
                e = i + 1;
            }
            return (s, e) switch
            {
                ( >= 0, < 0) => (s, s),
                ( < 0, >= 0) => (e, e),
                ( >= 0, >= 0) => (s, e),
                _ => null,
            };
        }
        if (start < 0 || end > _length)
        {
            return null;
        }
        return (Align(start).Start, Align(end - 1).End);
    }

    /// <summary>The normalized text within a range of either referential (HF's <c>get_range</c>), or null.</summary>
    public string? GetRange(int start, int end, OffsetReferential referential)
    {
        if (referential == OffsetReferential.Original)
        {
            if (ConvertOffsets(start, end, referential) is not { } r)
            {
                return null;
            }
            (start, end) = r;
        }
        return IsValidRange(NormalizedSpan, start, end) ? new string(_chars, _start + start, end - start) : null;
    }

    /// <summary>The original text within a range of either referential (HF's <c>get_range_original</c>), or null.</summary>
    public string? GetRangeOriginal(int start, int end, OffsetReferential referential)
    {
        if (referential == OffsetReferential.Normalized)
        {
            if (ConvertOffsets(start, end, referential) is not { } r)
            {
                return null;
            }
            (start, end) = r;
        }
        return IsValidRange(OriginalSpan, start, end) ? OriginalSpan[start..end].ToString() : null;
    }

    /// <summary>
    /// A new piece for a range of either referential, keeping alignments and the shift into the whole input (HF's
    /// <c>slice</c>); null when the range is out of bounds or cuts a surrogate pair.
    /// </summary>
    public NormalizedText? Slice(int start, int end, OffsetReferential referential)
    {
        bool original = referential == OffsetReferential.Original;
        if (!IsValidRange(original ? OriginalSpan : NormalizedSpan, start, end))
        {
            return null;
        }
        (int Start, int End) normalizedRange, originalRange;
        if (original)
        {
            if (ConvertOffsets(start, end, referential) is not { } n)
            {
                return null;
            }
            normalizedRange = n;
            originalRange = (start, end);
        }
        else
        {
            if (ConvertOffsets(start, end, referential) is not { } o)
            {
                return null;
            }
            normalizedRange = (start, end);
            originalRange = o;
        }
        if (normalizedRange.Start < 0 || normalizedRange.End > _length || normalizedRange.Start > normalizedRange.End)
        {
            return null;
        }
        // HF's get_range_original, or "" when that range is not valid.
        bool hasOriginal = IsValidRange(OriginalSpan, originalRange.Start, originalRange.End);
        int shift = originalRange.Start;
        int count = normalizedRange.End - normalizedRange.Start;
        // HF takes the normalized text of the range given (get_range) and the alignments of the normalized range; they
        // cover the same units except for an unconvertible range, where HF's text is empty.
        bool hasText = original
            ? IsValidRange(NormalizedSpan, normalizedRange.Start, normalizedRange.End)
            : IsValidRange(NormalizedSpan, start, end);
        return new NormalizedText(_root, hasOriginal ? _rootStart + originalRange.Start : 0,
            hasOriginal ? originalRange.End - originalRange.Start : 0, _chars, _alignments, hasText ? _start + normalizedRange.Start : _start,
            _base + shift, hasText ? count : 0, OriginalShift + originalRange.Start);
    }

    /// <summary>
    /// Replaces a range with <paramref name="changes"/> (HF's <c>transform_range</c>). Each entry is a code point and
    /// its change: 0 replaces the next code point of the range, +1 is inserted, -n replaces the next one and removes the
    /// n after it. The first <paramref name="initialOffset"/> code points of the range are removed first. Inserted
    /// code points take the alignment of the unit before them; replacing ones that of the unit they replace.
    /// </summary>
    public void TransformRange(int start, int end, OffsetReferential referential, ReadOnlySpan<(int CodePoint, int Change)> changes,
        int initialOffset = 0)
    {
        if (referential == OffsetReferential.Original)
        {
            if (ConvertOffsets(start, end, referential) is not { } r)
            {
                return;
            }
            (start, end) = r;
        }
        if (start < 0 || end > _length || start > end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"range {start}..{end} is outside the normalized text (length {_length})");
        }
        var chars = NormalizedSpan;
        int position = start;
        for (int k = 0; k < initialOffset && position < end; k++)
        {
            position += CodePointAt(chars, position, out _);
        }
        int capacity = start + (2 * changes.Length) + (_length - end);
        var newChars = new char[Math.Max(capacity, 1)];
        var newAlignments = new (int, int)[newChars.Length];
        chars[..start].CopyTo(newChars);
        for (int i = 0; i < start; i++)
        {
            newAlignments[i] = Align(i);
        }
        int written = start;
        foreach (var (codePoint, change) in changes)
        {
            (int, int) alignment;
            if (change > 0)
            {
                alignment = position < 1 ? (0, 0) : Align(position - 1);
            }
            else
            {
                // HF indexes the unit being replaced; past the end (more replacements than code points) it would panic,
                // the unit before is the closest meaning.
                alignment = position < _length ? Align(position) : position > 0 ? Align(position - 1) : (0, 0);
                if (position < end)
                {
                    position += CodePointAt(chars, position, out _);
                }
            }
            for (int k = 0; k < -change && position < end; k++)
            {
                position += CodePointAt(chars, position, out _);
            }
            if (codePoint >= 0x10000)
            {
                newChars[written] = (char)(0xD800 + ((codePoint - 0x10000) >> 10));
                newAlignments[written++] = alignment;
                newChars[written] = (char)(0xDC00 + ((codePoint - 0x10000) & 0x3FF));
                newAlignments[written++] = alignment;
            }
            else
            {
                newChars[written] = (char)codePoint;
                newAlignments[written++] = alignment;
            }
        }
        chars[end..].CopyTo(newChars.AsSpan(written));
        for (int i = end; i < _length; i++)
        {
            newAlignments[written + i - end] = Align(i);
        }
        _length = written + (_length - end);
        _chars = newChars;
        _alignments = newAlignments;
        _start = 0;
        _base = 0;
        _normalized = null;
    }

    /// <summary>Applies <paramref name="changes"/> to the whole text (HF's <c>transform</c>); see <see cref="TransformRange"/>.</summary>
    public void Transform(ReadOnlySpan<(int CodePoint, int Change)> changes, int initialOffset = 0) =>
        TransformRange(0, _originalLength, OffsetReferential.Original, changes, initialOffset);

    /// <summary>Keeps only the code points for which <paramref name="keep"/> holds (HF's <c>filter</c>).</summary>
    public void Filter(Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var changes = RentChanges();
        int removed = 0, removedStart = 0, last = -1;
        var chars = NormalizedSpan;
        for (int i = 0; i < chars.Length;)
        {
            i += CodePointAt(chars, i, out int cp);
            if (keep(cp))
            {
                if (last >= 0)
                {
                    changes.Add((last, -removed));
                }
                else
                {
                    removedStart = removed;
                }
                last = cp;
                removed = 0;
            }
            else
            {
                removed++;
            }
        }
        if (last >= 0)
        {
            changes.Add((last, -removed));
        }
        else
        {
            // Nothing kept: HF transforms with no changes and initial offset 0, which clears the range all the same.
            removedStart = 0;
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes), removedStart);
        ReturnChanges(changes);
    }

    /// <summary>Adds <paramref name="text"/> before the normalized text, aligned to its first character; nothing when empty (HF's <c>prepend</c>).</summary>
    public void Prepend(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_length == 0)
        {
            return;
        }
        int width = CodePointAt(NormalizedSpan, 0, out int next);
        var changes = RentChanges();
        int index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            changes.Add((rune.Value, index++ != 0 ? 1 : 0));
        }
        changes.Add((next, 1));
        TransformRange(0, width, OffsetReferential.Normalized, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
        ReturnChanges(changes);
    }

    /// <summary>Adds <paramref name="text"/> after the normalized text, aligned to its last character (HF's <c>append</c>).</summary>
    public void Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var changes = RentChanges();
        int start = 0;
        if (_length > 0)
        {
            var span = NormalizedSpan;
            start = char.IsLowSurrogate(span[_length - 1]) && _length > 1 && char.IsHighSurrogate(span[_length - 2]) ? _length - 2 : _length - 1;
            CodePointAt(NormalizedSpan, start, out int previous);
            changes.Add((previous, 0));
        }
        foreach (var rune in text.EnumerateRunes())
        {
            changes.Add((rune.Value, 1));
        }
        TransformRange(start, _length, OffsetReferential.Normalized, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
        ReturnChanges(changes);
    }

    /// <summary>Replaces each code point by <paramref name="map"/>'s result, one for one (HF's <c>map</c>).</summary>
    public void Map(Func<int, int> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var changes = RentChanges();
        var chars = NormalizedSpan;
        for (int i = 0; i < chars.Length;)
        {
            i += CodePointAt(chars, i, out int cp);
            changes.Add((map(cp), 0));
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
        ReturnChanges(changes);
    }

    /// <summary>Lowercases as Rust's <c>char::to_lowercase</c> (full mappings: 'İ' becomes "i̇").</summary>
    public void Lowercase() => ChangeCase(upper: false);

    /// <summary>Uppercases as Rust's <c>char::to_uppercase</c> (full mappings: 'ß' becomes "SS").</summary>
    public void Uppercase() => ChangeCase(upper: true);

    private void ChangeCase(bool upper)
    {
        var changes = RentChanges();
        Span<int> mapped = stackalloc int[3];
        var chars = NormalizedSpan;
        for (int i = 0; i < chars.Length;)
        {
            i += CodePointAt(chars, i, out int cp);
            int n = upper ? CaseMapping.Upper(cp, mapped) : CaseMapping.Lower(cp, mapped);
            for (int k = 0; k < n; k++)
            {
                changes.Add((mapped[k], k > 0 ? 1 : 0));
            }
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes));
        ReturnChanges(changes);
    }

    /// <summary>
    /// Replaces every match of <paramref name="pattern"/> with <paramref name="content"/> (HF's <c>replace</c>): the
    /// replacement takes the alignment of the match's last unit.
    /// </summary>
    public void Replace(ISplitPattern pattern, string content)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(content);
        var matches = RentMatches();
        pattern.FindMatches(NormalizedSpan, matches);
        var newChars = new StringBuilder(_length);
        var newAlignments = new List<(int, int)>(_length);
        int lastEnd = 0;
        foreach (var (start, end, isMatch) in matches)
        {
            if (!isMatch)
            {
                continue;
            }
            newChars.Append(_chars, _start + lastEnd, start - lastEnd);
            for (int i = lastEnd; i < start; i++)
            {
                newAlignments.Add(Align(i));
            }
            var alignment = end < 1 ? (0, 0) : Align(end - 1);
            newChars.Append(content);
            for (int i = 0; i < content.Length; i++)
            {
                newAlignments.Add(alignment);
            }
            lastEnd = end;
        }
        ReturnMatches(matches);
        newChars.Append(_chars, _start + lastEnd, _length - lastEnd);
        for (int i = lastEnd; i < _length; i++)
        {
            newAlignments.Add(Align(i));
        }
        _length = newChars.Length;
        _chars = new char[_length];
        newChars.CopyTo(0, _chars, _length);
        _alignments = [.. newAlignments];
        _start = 0;
        _base = 0;
        _normalized = null;
    }

    /// <summary>Replaces a literal string (HF's <c>replace</c> with a <c>&amp;str</c> pattern).</summary>
    public void Replace(string pattern, string content) => Replace(new LiteralPattern(pattern), content);

    /// <summary>Empties the normalized text and returns how many UTF-16 units it had (HF's <c>clear</c>).</summary>
    public int Clear()
    {
        int length = _length;
        Transform([], length);
        return length;
    }

    /// <summary>Removes leading whitespace (Unicode White_Space, as Rust's <c>char::is_whitespace</c>).</summary>
    public void LStrip() => Strip(left: true, right: false);

    /// <summary>Removes trailing whitespace.</summary>
    public void RStrip() => Strip(left: false, right: true);

    /// <summary>Removes leading and trailing whitespace.</summary>
    public void Strip() => Strip(left: true, right: true);

    private void Strip(bool left, bool right)
    {
        var chars = NormalizedSpan;
        // Nothing to strip (the usual case): no list of code points needed. Whitespace is never a surrogate pair.
        if (chars.Length == 0 || ((!left || !IsWhitespace(chars[0])) && (!right || !IsWhitespace(chars[^1]))))
        {
            return;
        }
        var codePoints = new List<int>(chars.Length);
        for (int i = 0; i < chars.Length;)
        {
            i += CodePointAt(chars, i, out int cp);
            codePoints.Add(cp);
        }
        int leading = 0, trailing = 0;
        if (left)
        {
            while (leading < codePoints.Count && IsWhitespace(codePoints[leading]))
            {
                leading++;
            }
        }
        if (right)
        {
            while (trailing < codePoints.Count && IsWhitespace(codePoints[codePoints.Count - 1 - trailing]))
            {
                trailing++;
            }
        }
        if (leading == 0 && trailing == 0)
        {
            return;
        }
        var changes = RentChanges();
        int count = codePoints.Count;
        for (int i = 0; i < count; i++)
        {
            if (i < leading || i >= count - trailing)
            {
                continue;
            }
            // HF gives the last kept character the removal of the trailing run; only the alignment of later
            // characters could depend on it, and there are none.
            changes.Add((codePoints[i], i == count - trailing - 1 ? -trailing : 0));
        }
        Transform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes), leading);
        ReturnChanges(changes);
    }

    /// <summary>
    /// Splits the normalized text at the matches of <paramref name="pattern"/>, treating them as
    /// <paramref name="behavior"/> says (HF's <c>split</c>); each piece keeps its alignment to the original.
    /// </summary>
    public List<NormalizedText> Split(ISplitPattern pattern, SplitDelimiterBehavior behavior)
    {
        var result = new List<NormalizedText>();
        Split(pattern, behavior, result);
        return result;
    }

    /// <summary>Same as <see cref="Split(ISplitPattern, SplitDelimiterBehavior)"/>, appending the pieces to <paramref name="output"/>.</summary>
    public void Split(ISplitPattern pattern, SplitDelimiterBehavior behavior, List<NormalizedText> output)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(output);
        var matches = RentMatches();
        pattern.FindMatches(NormalizedSpan, matches);
        switch (behavior)
        {
            case SplitDelimiterBehavior.Isolated:
                for (int i = 0; i < matches.Count; i++)
                {
                    matches[i] = (matches[i].Start, matches[i].End, false);
                }
                break;
            case SplitDelimiterBehavior.Removed:
                break;
            case SplitDelimiterBehavior.Contiguous:
            case SplitDelimiterBehavior.MergedWithPrevious:
            {
                bool contiguous = behavior == SplitDelimiterBehavior.Contiguous;
                bool previousMatch = false;
                int kept = 0;
                for (int i = 0; i < matches.Count; i++)
                {
                    var (start, end, isMatch) = matches[i];
                    bool merge = contiguous ? isMatch == previousMatch : isMatch && !previousMatch;
                    if (merge && kept > 0)
                    {
                        matches[kept - 1] = (matches[kept - 1].Start, end, false);
                    }
                    else
                    {
                        matches[kept++] = (start, end, false);
                    }
                    previousMatch = isMatch;
                }
                matches.RemoveRange(kept, matches.Count - kept);
                break;
            }
            case SplitDelimiterBehavior.MergedWithNext:
            {
                bool previousMatch = false;
                var merged = new List<(int Start, int End, bool IsMatch)>(matches.Count);
                for (int i = matches.Count - 1; i >= 0; i--)
                {
                    var (start, end, isMatch) = matches[i];
                    if (isMatch && !previousMatch && merged.Count > 0)
                    {
                        merged[^1] = (start, merged[^1].End, false);
                    }
                    else
                    {
                        merged.Add((start, end, false));
                    }
                    previousMatch = isMatch;
                }
                merged.Reverse();
                matches.Clear();
                matches.AddRange(merged);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(behavior), behavior, "unknown split behavior");
        }
        foreach (var (start, end, remove) in matches)
        {
            if (!remove)
            {
                output.Add(Slice(start, end, OffsetReferential.Normalized)
                    ?? throw new InvalidOperationException($"pattern {pattern.GetType().Name} gave a bad split {start}..{end} of a text of length {_length}"));
            }
        }
        ReturnMatches(matches);
    }

    /// <summary>
    /// This piece as its own full-range slice would be (HF slices every piece the added vocabulary passes on): itself
    /// when the slice would be identical, which it is unless normalization removed original text at either end.
    /// </summary>
    internal NormalizedText SliceWhole()
    {
        if (_length == 0 || (Align(0).Start == 0 && Align(_length - 1).End == _originalLength))
        {
            return this;
        }
        return Slice(0, _length, OffsetReferential.Normalized) ?? this;
    }

    /// <summary>Reads the code point at <paramref name="index"/>; returns its UTF-16 width (a lone surrogate is one unit, itself).</summary>
    internal static int CodePointAt(ReadOnlySpan<char> text, int index, out int codePoint)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            codePoint = char.ConvertToUtf32(c, text[index + 1]);
            return 2;
        }
        codePoint = c;
        return 1;
    }

    /// <summary>Rust's <c>char::is_whitespace</c>: the Unicode White_Space property.</summary>
    internal static bool IsWhitespace(int codePoint) =>
        (UnicodeTables.GetFlags(codePoint) & UnicodeTables.CharFlags.Whitespace) != 0;

    private static bool IsValidRange(ReadOnlySpan<char> text, int start, int end) =>
        start >= 0 && end <= text.Length && start <= end && IsBoundary(text, start) && IsBoundary(text, end);

    private static bool IsBoundary(ReadOnlySpan<char> text, int index) =>
        index <= 0 || index >= text.Length || !(char.IsHighSurrogate(text[index - 1]) && char.IsLowSurrogate(text[index]));

    [ThreadStatic]
    private static List<(int, int)>? s_changes;

    private static List<(int, int)> RentChanges()
    {
        var list = s_changes ?? [];
        s_changes = null;
        list.Clear();
        return list;
    }

    private static void ReturnChanges(List<(int, int)> list)
    {
        list.Clear();
        s_changes = list;
    }

    // One list per thread, taken out of its slot while in use, so that a pattern that itself splits or replaces
    // (re-entering on this thread) gets a list of its own.
    private static List<(int Start, int End, bool IsMatch)> RentMatches()
    {
        var list = s_matches ?? [];
        s_matches = null;
        list.Clear();
        return list;
    }

    private static void ReturnMatches(List<(int Start, int End, bool IsMatch)> list)
    {
        list.Clear();
        s_matches = list;
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static Manabi.Text.Unicode.UnicodeTables;

namespace Manabi.Text;

/// <summary>
/// The BERT normalizer and pre-tokenizer fused into one pass over the text: each code point is normalized
/// where it stands and appended to the current word together with its original UTF-16 span, so that no
/// normalized copy of the text and no alignment table is ever built. ASCII takes a table-driven path.
/// Instances hold scratch buffers and are used by one thread at a time.
/// </summary>
internal sealed class WordScanner
{
    private char[] _word = new char[128];
    private int[] _starts = new int[128];
    private int[] _ends = new int[128];
    private readonly char[] _tail = new char[16];
    private int _length;
    private int _codePoints;
    private (int CodePoint, int Class, int Start, int End)[] _pending = new (int, int, int, int)[8];
    private int _pendingCount;

    [ThreadStatic]
    private static WordScanner? t_current;

    /// <summary>This thread's scanner.</summary>
    public static WordScanner Current => t_current ??= new WordScanner();

    /// <summary>Token buffers for the first and second sequence, reused by this thread.</summary>
    public TokenBuffer First { get; } = new(256);

    /// <summary>See <see cref="First"/>.</summary>
    public TokenBuffer Second { get; } = new(256);

    /// <summary>
    /// Scans <paramref name="text"/>, whose first unit is at <paramref name="baseOffset"/> in the original,
    /// and returns true when the sink asked to stop.
    /// </summary>
    public bool Scan<TSink>(BertNormalizer normalizer, ReadOnlySpan<char> text, int baseOffset, ref TSink sink)
        where TSink : struct, IWordSink
    {
        ReadOnlySpan<byte> asciiClass = normalizer.AsciiClass;
        ReadOnlySpan<char> asciiMap = normalizer.AsciiMap;
        _length = 0;
        _codePoints = 0;
        _pendingCount = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (_length == 0 && _pendingCount == 0)
            {
                i = ScanAsciiBetweenWords(normalizer, text, i, baseOffset, ref sink, out bool stop);
                if (stop)
                {
                    return true;
                }
                if (i == text.Length)
                {
                    break;
                }
            }
            char c = text[i];
            if (c < 128)
            {
                byte kind = asciiClass[c];
                if (_pendingCount > 0 && kind != BertNormalizer.AsciiDrop && FlushPending(normalizer, ref sink))
                {
                    return true;
                }
                switch (kind)
                {
                    case BertNormalizer.AsciiWord:
                        Append(asciiMap[c], baseOffset + i, baseOffset + i + 1);
                        _codePoints++;
                        break;
                    case BertNormalizer.AsciiSpace:
                        if (_length > 0 && Flush(ref sink))
                        {
                            return true;
                        }
                        break;
                    case BertNormalizer.AsciiPunctuation:
                        if (_length > 0 && Flush(ref sink))
                        {
                            return true;
                        }
                        Append(asciiMap[c], baseOffset + i, baseOffset + i + 1);
                        _codePoints++;
                        if (Flush(ref sink))
                        {
                            return true;
                        }
                        break;
                }
                i++;
                continue;
            }
            int codePoint;
            int units = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[i + 1]);
                units = 2;
            }
            else
            {
                // A lone surrogate cannot reach HF (its input is UTF-8); it reads as U+FFFD.
                codePoint = char.IsSurrogate(c) ? 0xFFFD : c;
            }
            if (ScanNonAscii(normalizer, codePoint, baseOffset + i, baseOffset + i + units, ref sink))
            {
                return true;
            }
            i += units;
        }
        return FlushPending(normalizer, ref sink) || (_length > 0 && Flush(ref sink));
    }

    /// <summary>
    /// The fast path, entered between words (no partial word, no pending marks): ASCII spaces are skipped,
    /// ASCII punctuation and runs of ASCII word characters go to the sink as words with implicit offsets, the
    /// characters lowercased and packed (<see cref="PackedAsciiLookup"/>) as they are read. Returns where the general
    /// path must take over: the end, a non-ASCII character, or a word that continues past its ASCII run (a non-ASCII
    /// character or a dropped control character follows), which is then left in the word buffer with its offsets.
    /// </summary>
    private int ScanAsciiBetweenWords<TSink>(BertNormalizer normalizer, ReadOnlySpan<char> text, int i, int baseOffset,
        ref TSink sink, out bool stop) where TSink : struct, IWordSink =>
        normalizer.VectorWordScan
            ? ScanAsciiWindows(normalizer, text, i, baseOffset, ref sink, out stop)
            : ScanAsciiCharacters(normalizer, text, i, baseOffset, ref sink, out stop);

    /// <summary><see cref="ScanAsciiBetweenWords"/> one character at a time, for normalizers without the vector path.</summary>
    private int ScanAsciiCharacters<TSink>(BertNormalizer normalizer, ReadOnlySpan<char> text, int i, int baseOffset,
        ref TSink sink, out bool stop) where TSink : struct, IWordSink
    {
        stop = false;
        ReadOnlySpan<char> map = normalizer.AsciiWordMap;
        ReadOnlySpan<byte> kinds = normalizer.AsciiClass;
        while (i < text.Length)
        {
            char c = text[i];
            if (c >= 128)
            {
                return i;
            }
            if (map[c] != BertNormalizer.NotWordCharacter)
            {
                i = ReadScalarWord(normalizer, text, i, baseOffset, ref sink, out stop);
                if (stop || _length > 0)
                {
                    return i;
                }
                continue;
            }
            if (kinds[c] == BertNormalizer.AsciiPunctuation
                && sink.OnPackedWord(Vector128.CreateScalar((ulong)normalizer.AsciiMap[c]).AsByte(), 1, baseOffset + i))
            {
                stop = true;
                return i + 1;
            }
            i++;
        }
        return i;
    }

    /// <summary>Lane k holds k: compared with a length, it masks off the lanes past a word; added to an offset, it shifts lanes down.</summary>
    private static readonly Vector128<sbyte> LaneIndices = Vector128.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>Entry h is 1 &lt;&lt; h for the eight high nibbles of ASCII, 0 for the others (non-ASCII lanes).</summary>
    private static readonly Vector128<byte> HighNibbleBits = Vector128.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>
    /// <see cref="ScanAsciiBetweenWords"/> 16 characters at a time: each window is classified (word characters,
    /// punctuation, non-ASCII; the rest are spaces and dropped characters, skipped between words) and lowercased with a
    /// few vector instructions, then its words and punctuation are found with bit scans and each word is handed over
    /// packed, cut out of the window by one shuffle. A word that reaches the window's end is read again from a window
    /// that starts at it; one of 16 characters or more, or one followed by a non-ASCII or dropped character, is read
    /// by <see cref="ReadScalarWord"/>.
    /// </summary>
    private int ScanAsciiWindows<TSink>(BertNormalizer normalizer, ReadOnlySpan<char> text, int i, int baseOffset,
        ref TSink sink, out bool stop) where TSink : struct, IWordSink
    {
        stop = false;
        ReadOnlySpan<byte> kinds = normalizer.AsciiClass;
        Vector128<byte> wordRows = normalizer.AsciiWordRows;
        Vector128<byte> punctuationRows = normalizer.AsciiPunctuationRows;
        bool lowercase = normalizer.Lowercase;
        while (i < text.Length)
        {
            // The window: the 16 characters from i, or, near the end, the text's last 16 (its lanes before i were
            // read already); a text shorter than that is loaded from a copy, so that no read passes the text.
            int window = Math.Min(i, text.Length - 16);
            int width = 16;
            ref ushort at = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            if (window >= 0)
            {
                at = ref Unsafe.Add(ref at, window);
            }
            else
            {
                window = 0;
                width = text.Length;
                text.CopyTo(_tail);
                at = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetArrayDataReference(_tail));
            }
            uint valid = (uint)((1 << width) - 1);
            // Saturation keeps each non-ASCII character's lane at 128 or above, where the tables below find no class.
            Vector128<byte> bytes = Vector128.NarrowWithSaturation(Vector128.LoadUnsafe(ref at), Vector128.LoadUnsafe(ref at, 8));
            Vector128<byte> columns = Vector128.ShuffleNative(HighNibbleBits, Vector128.ShiftRightLogical(bytes, 4));
            Vector128<byte> lowNibbles = bytes & Vector128.Create((byte)15);
            uint words = ~Vector128.Equals(Vector128.ShuffleNative(wordRows, lowNibbles) & columns, Vector128<byte>.Zero)
                .ExtractMostSignificantBits() & valid;
            uint punctuation = ~Vector128.Equals(Vector128.ShuffleNative(punctuationRows, lowNibbles) & columns, Vector128<byte>.Zero)
                .ExtractMostSignificantBits() & valid;
            uint nonAscii = bytes.ExtractMostSignificantBits() & valid;
            if (lowercase)
            {
                Vector128<sbyte> signed = bytes.AsSByte();
                var upper = Vector128.GreaterThan(signed, Vector128.Create((sbyte)('A' - 1))) & Vector128.LessThan(signed, Vector128.Create((sbyte)('Z' + 1)));
                bytes |= upper.AsByte() & Vector128.Create((byte)0x20);
            }
            uint interesting = words | punctuation | nonAscii;
            int p = i - window;
            while (true)
            {
                uint rest = interesting >> p;
                if (rest == 0)
                {
                    // Only spaces and dropped characters are left in this window.
                    i = window + width;
                    break;
                }
                p += BitOperations.TrailingZeroCount(rest);
                uint bit = 1u << p;
                if ((nonAscii & bit) != 0)
                {
                    return window + p;
                }
                // A punctuation character is a word of one character: no word character is punctuation, so the run
                // of word characters from it is empty. Computed without a branch (one that words and punctuation would
                // take in no predictable order).
                int length = BitOperations.TrailingZeroCount(~(words >> p)) + (int)((punctuation >> p) & 1);
                int end = p + length;
                if (end == width && window + width < text.Length)
                {
                    // The word may go on past this window (which then starts at i): read it from a window that starts
                    // at it, or, when it already started this one (16 word characters), on the scalar path.
                    if (p > 0)
                    {
                        i = window + p;
                        break;
                    }
                    i = ReadScalarWord(normalizer, text, window, baseOffset, ref sink, out stop);
                    if (stop || _length > 0)
                    {
                        return i;
                    }
                    break;
                }
                if (end < width && (text[window + end] >= 128 || kinds[text[window + end]] == BertNormalizer.AsciiDrop)
                    && (words & bit) != 0)
                {
                    // The word continues past a dropped or non-ASCII character: the scalar read hands it to the general path.
                    return ReadScalarWord(normalizer, text, window + p, baseOffset, ref sink, out stop);
                }
                // Lanes p .. end - 1 moved down to 0 .. length - 1; the lanes after the word are cleared.
                Vector128<byte> word = Vector128.ShuffleNative(bytes, (LaneIndices + Vector128.Create((sbyte)p)).AsByte())
                    & Vector128.LessThan(LaneIndices, Vector128.Create((sbyte)length)).AsByte();
                if (sink.OnPackedWord(word, length, baseOffset + window + p))
                {
                    stop = true;
                    return window + end;
                }
                p = end;
            }
        }
        return i;
    }

    /// <summary>
    /// Reads the ASCII word starting at <paramref name="start"/> one character at a time and hands it to the sink, or,
    /// when a non-ASCII or dropped character follows it (so the word goes on), leaves it in the word buffer with its
    /// offsets for the general path (then <see cref="_length"/> is above 0). Returns where it stopped.
    /// </summary>
    private int ReadScalarWord<TSink>(BertNormalizer normalizer, ReadOnlySpan<char> text, int start, int baseOffset,
        ref TSink sink, out bool stop) where TSink : struct, IWordSink
    {
        stop = false;
        ref char source = ref MemoryMarshal.GetReference(text);
        ref char map = ref MemoryMarshal.GetReference(normalizer.AsciiWordMap);
        int i = start;
        while (true)
        {
            int limit = Math.Min(text.Length, start + _word.Length);
            i = ReadWordCharacters(ref source, i, limit, ref map, ref MemoryMarshal.GetArrayDataReference(_word), start);
            if (i < limit || i == text.Length)
            {
                break;
            }
            Grow();
        }
        int length = i - start;
        if (i < text.Length && (text[i] >= 128 || normalizer.AsciiClass[text[i]] == BertNormalizer.AsciiDrop))
        {
            for (int k = 0; k < length; k++)
            {
                _starts[k] = baseOffset + start + k;
                _ends[k] = baseOffset + start + k + 1;
            }
            _length = length;
            _codePoints = length;
            return i;
        }
        ReadOnlySpan<char> word = _word.AsSpan(0, length);
        stop = PackedAsciiLookup.TryPack(word, out ulong low, out ulong high)
            ? sink.OnPackedWord(Vector128.Create(low, high).AsByte(), length, baseOffset + start)
            : sink.OnAsciiWord(word, baseOffset + start);
        return i;
    }

    /// <summary>
    /// Copies normalized ASCII word characters from <paramref name="i"/> into the word buffer (the word began at
    /// <paramref name="start"/>) until <paramref name="limit"/> or a character that ends the run; returns where it stopped.
    /// </summary>
    private static int ReadWordCharacters(ref char source, int i, int limit, ref char map, ref char word, int start)
    {
        // Indexed from the word's start, so that the text and the word buffer share one index k.
        ref char wordSource = ref Unsafe.Add(ref source, start);
        int k = i - start;
        int end = limit - start;
        // Unchecked: the caller keeps limit within the text and limit - start within the word buffer;
        // characters are below 128, the map's length.
        while (k < end)
        {
            char c = Unsafe.Add(ref wordSource, k);
            if (c >= 128)
            {
                break;
            }
            char normalized = Unsafe.Add(ref map, c);
            if (normalized == BertNormalizer.NotWordCharacter)
            {
                break;
            }
            Unsafe.Add(ref word, k) = normalized;
            k++;
        }
        return start + k;
    }

    private bool ScanNonAscii<TSink>(BertNormalizer normalizer, int codePoint, int start, int end, ref TSink sink)
        where TSink : struct, IWordSink
    {
        CharFlags flags = GetFlags(codePoint);
        if (normalizer.CleanText && (codePoint == 0 || codePoint == 0xFFFD || (flags & CharFlags.Other) != 0))
        {
            // Removed before NFD runs, so a run of combining marks continues across it.
            return false;
        }
        if ((flags & CharFlags.Whitespace) != 0)
        {
            return FlushPending(normalizer, ref sink) || (_length > 0 && Flush(ref sink));
        }
        bool isolate = normalizer.HandleChineseChars && (flags & CharFlags.Chinese) != 0;
        if (isolate && (FlushPending(normalizer, ref sink) || (_length > 0 && Flush(ref sink))))
        {
            return true;
        }
        if (normalizer.StripsAccents)
        {
            Span<int> parts = stackalloc int[MaxDecompositionLength];
            int count = Decompose(codePoint, parts);
            for (int k = 0; k < count; k++)
            {
                int part = parts[k];
                if ((GetFlags(part) & CharFlags.Combining) != 0)
                {
                    AddPending(part, start, end);
                }
                else if (FlushPending(normalizer, ref sink) || Emit(normalizer, part, start, end, ref sink))
                {
                    return true;
                }
            }
        }
        else if (Emit(normalizer, codePoint, start, end, ref sink))
        {
            return true;
        }
        return isolate && _length > 0 && Flush(ref sink);
    }

    /// <summary>Lowercases, drops Mn when stripping accents, and pre-tokenizes one NFD code point.</summary>
    private bool Emit<TSink>(BertNormalizer normalizer, int codePoint, int start, int end, ref TSink sink)
        where TSink : struct, IWordSink
    {
        CharFlags flags = GetFlags(codePoint);
        if (normalizer.StripsAccents && (flags & CharFlags.NonspacingMark) != 0)
        {
            return false;
        }
        if (normalizer.Lowercase)
        {
            if (codePoint == 0x130)
            {
                // Rust's char::to_lowercase uses the full mapping: U+0130 becomes i + combining dot above.
                return EmitLowered('i', start, end, ref sink) || EmitLowered(0x307, start, end, ref sink);
            }
            codePoint = codePoint < 0x10000 ? char.ToLowerInvariant((char)codePoint) : Rune.ToLowerInvariant(new Rune(codePoint)).Value;
        }
        return EmitLowered(codePoint, start, end, ref sink);
    }

    private bool EmitLowered<TSink>(int codePoint, int start, int end, ref TSink sink) where TSink : struct, IWordSink
    {
        CharFlags flags = GetFlags(codePoint);
        if ((flags & CharFlags.Whitespace) != 0)
        {
            return _length > 0 && Flush(ref sink);
        }
        if ((flags & CharFlags.Punctuation) != 0)
        {
            if (_length > 0 && Flush(ref sink))
            {
                return true;
            }
            AppendCodePoint(codePoint, start, end);
            return Flush(ref sink);
        }
        AppendCodePoint(codePoint, start, end);
        return false;
    }

    private void AddPending(int codePoint, int start, int end)
    {
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
        }
        _pending[_pendingCount++] = (codePoint, GetCombiningClass(codePoint), start, end);
    }

    /// <summary>
    /// Emits a run of combining marks in canonical order (a stable sort by combining class). As in HF's
    /// alignment-tracking NFD, the reordered characters take the original spans in their original order.
    /// </summary>
    private bool FlushPending<TSink>(BertNormalizer normalizer, ref TSink sink) where TSink : struct, IWordSink
    {
        int count = _pendingCount;
        if (count == 0)
        {
            return false;
        }
        _pendingCount = 0;
        Span<(int CodePoint, int Class)> sorted = count <= 32 ? stackalloc (int, int)[count] : new (int, int)[count];
        for (int i = 0; i < count; i++)
        {
            sorted[i] = (_pending[i].CodePoint, _pending[i].Class);
        }
        for (int i = 1; i < count; i++)
        {
            var item = sorted[i];
            int j = i - 1;
            while (j >= 0 && sorted[j].Class > item.Class)
            {
                sorted[j + 1] = sorted[j];
                j--;
            }
            sorted[j + 1] = item;
        }
        for (int i = 0; i < count; i++)
        {
            if (Emit(normalizer, sorted[i].CodePoint, _pending[i].Start, _pending[i].End, ref sink))
            {
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(char c, int start, int end)
    {
        if (_length == _word.Length)
        {
            Grow();
        }
        _word[_length] = c;
        _starts[_length] = start;
        _ends[_length] = end;
        _length++;
    }

    private void AppendCodePoint(int cp, int start, int end)
    {
        if (cp < 0x10000)
        {
            Append((char)cp, start, end);
        }
        else
        {
            var rune = new Rune(cp);
            Span<char> pair = stackalloc char[2];
            rune.EncodeToUtf16(pair);
            Append(pair[0], start, end);
            Append(pair[1], start, end);
        }
        _codePoints++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Flush<TSink>(ref TSink sink) where TSink : struct, IWordSink
    {
        bool stop = sink.OnWord(_word.AsSpan(0, _length), _starts.AsSpan(0, _length), _ends.AsSpan(0, _length), _codePoints);
        _length = 0;
        _codePoints = 0;
        return stop;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        int size = _word.Length * 2;
        Array.Resize(ref _word, size);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _ends, size);
    }
}

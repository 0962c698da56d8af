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
    /// characters lowercased and hashed as they are read. Returns where the general path must take over: the end,
    /// a non-ASCII character, or a word that continues past its ASCII run (a non-ASCII character or a dropped
    /// control character follows), which is then left in the word buffer with its offsets.
    /// </summary>
    private int ScanAsciiBetweenWords<TSink>(BertNormalizer normalizer, ReadOnlySpan<char> text, int i, int baseOffset,
        ref TSink sink, out bool stop) where TSink : struct, IWordSink
    {
        stop = false;
        ReadOnlySpan<byte> asciiClass = normalizer.AsciiClass;
        ref char source = ref MemoryMarshal.GetReference(text);
        ref char map = ref MemoryMarshal.GetReference(normalizer.AsciiWordMap);
        ref byte kinds = ref MemoryMarshal.GetReference(asciiClass);
        // Unchecked reads below: indices are below text.Length, characters below 128 (both tables' length).
        while (i < text.Length)
        {
            char c = Unsafe.Add(ref source, i);
            if (c >= 128)
            {
                return i;
            }
            if (Unsafe.Add(ref map, c) == BertNormalizer.NotWordCharacter)
            {
                if (Unsafe.Add(ref kinds, c) == BertNormalizer.AsciiPunctuation)
                {
                    char punctuation = normalizer.AsciiMap[c];
                    _word[0] = punctuation;
                    uint hashState = SpanLookup.Step(SpanLookup.Seed, punctuation);
                    if (sink.OnAsciiWord(_word.AsSpan(0, 1), baseOffset + i, hashState, punctuation))
                    {
                        stop = true;
                        return i + 1;
                    }
                }
                i++;
                continue;
            }
            int start = i;
            uint state = SpanLookup.Seed;
            while (true)
            {
                int limit = Math.Min(text.Length, start + _word.Length);
                i = ReadWordCharacters(ref source, i, limit, ref map, ref MemoryMarshal.GetArrayDataReference(_word), start,
                    ref state);
                if (i < limit || i == text.Length)
                {
                    break;
                }
                Grow();
            }
            int length = i - start;
            if (i < text.Length && (text[i] >= 128 || asciiClass[text[i]] == BertNormalizer.AsciiDrop))
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
            // The word buffer always holds at least eight characters; those past the word are masked off by the lookup.
            var firstEight = Vector128.LoadUnsafe(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetArrayDataReference(_word)));
            ulong bytes = Vector128.Narrow(firstEight, Vector128<ushort>.Zero).AsUInt64().ToScalar();
            if (sink.OnAsciiWord(_word.AsSpan(0, length), baseOffset + start, state, bytes))
            {
                stop = true;
                return i;
            }
        }
        return i;
    }

    /// <summary>
    /// Copies normalized ASCII word characters from <paramref name="i"/> into the word buffer (the word began at
    /// <paramref name="start"/>) until <paramref name="limit"/> or a character that ends the run, advancing the hash
    /// state; returns where it stopped. A separate leaf method so that the hash state stays in a register (inlined
    /// into the scanner, the JIT spilled it on every character).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadWordCharacters(ref char source, int i, int limit, ref char map, ref char word, int start,
        ref uint hashState)
    {
        uint state = hashState;
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
            state = SpanLookup.Step(state, normalized);
            k++;
        }
        hashState = state;
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

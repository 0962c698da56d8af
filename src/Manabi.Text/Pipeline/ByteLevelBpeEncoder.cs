using System.Text;

namespace Manabi.Text;

/// <summary>
/// The fused encoder of byte-level BPE tokenizer.json files (GPT-2 style: Llama-3, Qwen, GPT-4o, DeepSeek): added
/// tokens, the split patterns, the byte alphabet and the BPE word cache in one pass over the UTF-16 text, writing ids
/// and offsets straight into per-thread buffers instead of building NormalizedText pieces. It gives exactly what the
/// general pipeline gives and is only made for the pipelines where that holds (see <see cref="TryCreate"/>).
/// </summary>
internal sealed class ByteLevelBpeEncoder
{
    /// <summary>One split step: its pattern and which of its segments it keeps.</summary>
    private readonly record struct SplitStep(ISplitPattern Pattern, bool KeepAll, bool KeepMatches);

    private readonly BpeModel _model;
    private readonly AddedVocabulary _added;
    private readonly bool _nfc;
    private readonly SplitStep[] _steps;

    private ByteLevelBpeEncoder(BpeModel model, AddedVocabulary added, bool nfc, SplitStep[] steps, int[] prefix, int[] suffix)
    {
        _model = model;
        _added = added;
        _nfc = nfc;
        _steps = steps;
        Prefix = prefix;
        Suffix = suffix;
    }

    /// <summary>The special ids the post-processor puts before a single sequence.</summary>
    public int[] Prefix { get; }

    /// <summary>The special ids the post-processor puts after a single sequence.</summary>
    public int[] Suffix { get; }

    /// <summary>
    /// The fused encoder when the pipeline is [no normalizer, NFC, or an empty sequence] + [Split(s) keeping their
    /// segments, then ByteLevel without prefix space] or ByteLevel alone + a dropout-free BPE whose vocabulary holds the
    /// 256 byte characters + plain added tokens + a post-processor that only adds special tokens; else null.
    /// </summary>
    public static ByteLevelBpeEncoder? TryCreate(ITokenizationModel model, ITextNormalizer? normalizer, IPreTokenizer? preTokenizer,
        IPostProcessor? postProcessor, AddedVocabulary added)
    {
        if (model is not BpeModel bpe || bpe.Options.Dropout is > 0 || !string.IsNullOrEmpty(bpe.Options.ContinuingSubwordPrefix)
            || !string.IsNullOrEmpty(bpe.Options.EndOfWordSuffix) || !added.AllPlain)
        {
            return null;
        }
        foreach (char c in ByteLevelMapping.ByteToChar)
        {
            // Every byte a token: no unknown or byte-fallback symbols, whose offsets follow other rules.
            if (!bpe.TryGetId(c.ToString(), out _))
            {
                return null;
            }
        }
        bool nfc = false;
        if (normalizer is not null && !IsNfcOrNothing(normalizer, ref nfc))
        {
            return null;
        }
        var steps = new List<SplitStep>();
        IReadOnlyList<IPreTokenizer> stages = preTokenizer switch
        {
            ByteLevelPreTokenizer b => [b],
            SequencePreTokenizer s => s.PreTokenizers,
            _ => [],
        };
        if (stages.Count == 0 || stages[^1] is not ByteLevelPreTokenizer { AddPrefixSpace: false } byteLevel)
        {
            return null;
        }
        for (int i = 0; i < stages.Count - 1; i++)
        {
            if (stages[i] is not SplitPreTokenizer split
                || split.Behavior is not (SplitDelimiterBehavior.Isolated or SplitDelimiterBehavior.Removed))
            {
                return null;
            }
            ISplitPattern pattern;
            try
            {
                pattern = split.IsRegex ? ComponentPatterns.Regex(split.Pattern) : ComponentPatterns.Literal(split.Pattern);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return null;
            }
            // Removed keeps the segments that are not delimiters: matches under invert, the rest otherwise.
            steps.Add(new SplitStep(pattern, split.Behavior == SplitDelimiterBehavior.Isolated, split.Invert));
        }
        if (byteLevel.UseRegex)
        {
            steps.Add(new SplitStep(ComponentPatterns.Regex(ByteLevelPreTokenizer.Gpt2Pattern), true, false));
        }
        if (!TrySpecials(postProcessor, out int[] prefix, out int[] suffix))
        {
            return null;
        }
        return new ByteLevelBpeEncoder(bpe, added, nfc, [.. steps], prefix, suffix);
    }

    private static bool IsNfcOrNothing(ITextNormalizer normalizer, ref bool nfc)
    {
        switch (normalizer)
        {
            case NfcNormalizer:
                nfc = true;
                return true;
            case SequenceNormalizer sequence:
                foreach (var inner in sequence.Normalizers)
                {
                    if (!IsNfcOrNothing(inner, ref nfc))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The special ids around a single sequence, found by running the post-processor on a one-token marker encoding;
    /// false for post-processors that do more than add tokens (offset trimming).
    /// </summary>
    private static bool TrySpecials(IPostProcessor? processor, out int[] prefix, out int[] suffix)
    {
        prefix = suffix = [];
        if (processor is null)
        {
            return true;
        }
        if (!OnlyAddsTokens(processor))
        {
            return false;
        }
        const int marker = int.MinValue;
        var probe = new TokenEncoding([marker], [0], ["\0"], [0], [(0, 0)], [0], [1]);
        var processed = processor.Process(probe, null, true);
        var ids = processed.IdArray;
        int at = Array.IndexOf(ids, marker);
        if (at < 0 || Array.LastIndexOf(ids, marker) != at)
        {
            return false;
        }
        prefix = ids[..at];
        suffix = ids[(at + 1)..];
        return true;
    }

    private static bool OnlyAddsTokens(IPostProcessor processor) => processor switch
    {
        ByteLevelPostProcessor b => !b.TrimOffsets,
        TemplatePostProcessor => true,
        SequencePostProcessor s => s.Processors.All(OnlyAddsTokens),
        _ => false,
    };

    /// <summary>Per-thread buffers: the tokens of one sequence and the work arrays of one piece.</summary>
    internal sealed class Buffer
    {
        /// <summary>The sequence's tokens: ids, UTF-16 offsets and word ids.</summary>
        public readonly TokenBuffer Tokens = new(256);
        public int Word;
        public char[] Mapped = new char[256];
        public int[] ByteStart = new int[256];
        public int[] ByteEnd = new int[256];
        public List<(int Start, int End, bool IsMatch)>[] Segments = [];

        public void EnsurePiece(int bytes)
        {
            if (bytes <= Mapped.Length)
            {
                return;
            }
            int size = Math.Max(bytes, Mapped.Length * 2);
            Mapped = new char[size];
            ByteStart = new int[size];
            ByteEnd = new int[size];
        }

        public void Add(int id, int start, int end) => Tokens.Add(id, start, end, Word);
    }

    [ThreadStatic]
    private static Buffer? t_buffer;

    /// <summary>This thread's buffer, with one segment list per split step.</summary>
    private Buffer Current()
    {
        var buffer = t_buffer ??= new Buffer();
        if (buffer.Segments.Length < _steps.Length)
        {
            var lists = new List<(int, int, bool)>[_steps.Length];
            for (int i = 0; i < lists.Length; i++)
            {
                lists[i] = i < buffer.Segments.Length ? buffer.Segments[i] : [];
            }
            buffer.Segments = lists;
        }
        return buffer;
    }

    /// <summary>
    /// Encodes one sequence into this thread's buffer (ids, UTF-16 offsets, word ids); false when the text needs the
    /// general path (NFC would change it), and then the buffer holds nothing useful.
    /// </summary>
    public bool TryEncode(ReadOnlySpan<char> text, out Buffer buffer)
    {
        buffer = Current();
        buffer.Tokens.Count = 0;
        buffer.Word = 0;
        // HF's extract_and_normalize: raw added tokens cut first, then each gap is normalized and searched for the others.
        int gap = 0;
        int from = 0;
        while (_added.FindRaw(text, from, out int start, out int end, out int id))
        {
            if (gap < start && !EncodeGap(text, gap, start, buffer))
            {
                return false;
            }
            buffer.Add(id, start, end);
            buffer.Word++;
            gap = from = end;
        }
        return gap >= text.Length || EncodeGap(text, gap, text.Length, buffer);
    }

    private bool EncodeGap(ReadOnlySpan<char> text, int start, int end, Buffer buffer)
    {
        if (_nfc && !IsNfcInvariant(text[start..end]))
        {
            return false;
        }
        int gap = start;
        int from = start;
        var slice = text[..end];
        while (_added.FindNormalized(slice, from, out int s, out int e, out int id))
        {
            if (gap < s)
            {
                Split(text, gap, s, 0, buffer);
            }
            buffer.Add(id, s, e);
            buffer.Word++;
            gap = from = e;
        }
        if (gap < end)
        {
            Split(text, gap, end, 0, buffer);
        }
        return true;
    }

    /// <summary>Applies split step <paramref name="level"/> to the text's range, depth first, so pieces come in order.</summary>
    private void Split(ReadOnlySpan<char> text, int start, int end, int level, Buffer buffer)
    {
        if (level == _steps.Length)
        {
            Merge(text, start, end, buffer);
            buffer.Word++;
            return;
        }
        var step = _steps[level];
        var segments = buffer.Segments[level];
        segments.Clear();
        step.Pattern.FindMatches(text[start..end], segments);
        // Deeper levels use their own lists, so this one stays intact while its segments are split further.
        for (int i = 0; i < segments.Count; i++)
        {
            var (s, e, isMatch) = segments[i];
            if (e > s && (step.KeepAll || isMatch == step.KeepMatches))
            {
                Split(text, start + s, start + e, level + 1, buffer);
            }
        }
    }

    /// <summary>Maps one piece to the byte alphabet and adds its BPE tokens with offsets in the text.</summary>
    private void Merge(ReadOnlySpan<char> text, int start, int end, Buffer buffer)
    {
        buffer.EnsurePiece((end - start) * 3);
        char[] mapped = buffer.Mapped;
        int[] byteStart = buffer.ByteStart;
        int[] byteEnd = buffer.ByteEnd;
        char[] alphabet = ByteLevelMapping.ByteToChar;
        int n = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = start; i < end;)
        {
            char c = text[i];
            if (c < 0x80)
            {
                mapped[n] = alphabet[c];
                byteStart[n] = i;
                byteEnd[n] = i + 1;
                n++;
                i++;
                continue;
            }
            int width = 1;
            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                rune = new Rune(c, text[i + 1]);
                width = 2;
            }
            else
            {
                // A lone surrogate cannot come from Rust's &str: U+FFFD's bytes, as the ByteLevel pre-tokenizer does.
                rune = Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
            }
            int count = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < count; k++)
            {
                mapped[n] = alphabet[utf8[k]];
                byteStart[n] = i;
                byteEnd[n] = i + width;
                n++;
            }
            i += width;
        }
        var piece = mapped.AsSpan(0, n);
        ReadOnlySpan<int> packed = _model.TokenizePacked(piece, out int whole);
        if (whole >= 0)
        {
            buffer.Add(whole, byteStart[0], byteEnd[n - 1]);
            return;
        }
        for (int t = 0; t < packed.Length; t += 3)
        {
            buffer.Add(packed[t], byteStart[packed[t + 1]], byteEnd[packed[t + 2] - 1]);
        }
    }

    /// <summary>
    /// Whether NFC (HF's, Unicode 9) leaves the text as it is, judged conservatively: every code point is in a range
    /// that neither decomposes canonically nor composes with a neighbour (ASCII to U+02FF, common punctuation, kana,
    /// CJK ideographs, Hangul syllables, full-width forms, emoji). Anything else goes the general way.
    /// </summary>
    internal static bool IsNfcInvariant(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int c = text[i];
            if (c < 0x300)
            {
                continue;
            }
            if (char.IsHighSurrogate((char)c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int cp = char.ConvertToUtf32((char)c, text[i + 1]);
                if (cp is >= 0x1F000 and <= 0x1FAFF)
                {
                    i++;
                    continue;
                }
                return false;
            }
            bool safe = c is >= 0x2002 and <= 0x206F
                or >= 0x3000 and <= 0x3098 or >= 0x309B and <= 0x30FF
                or >= 0x4E00 and <= 0x9FFF
                or >= 0xAC00 and <= 0xD7A3
                or >= 0xFF00 and <= 0xFFEF;
            if (!safe)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The buffer's tokens as an encoding, as <see cref="PreTokenizedText.ToEncoding"/> builds it.</summary>
    public TokenEncoding ToEncoding(Buffer buffer, int typeId) =>
        // An added token the model also has carries the model's spelling, which is its content.
        TokenEncoding.FromBuffer(buffer.Tokens, typeId, id => _model.GetToken(id) ?? _added.GetToken(id)!);
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// OpenAI's tiktoken byte-pair encodings (<c>r50k_base</c>, <c>p50k_base</c>, <c>cl100k_base</c>, <c>o200k_base</c>),
/// id for id equal to the tiktoken package: the encoding's split pattern (a hand-written scanner), then byte-pair
/// merges by rank (lowest rank first, leftmost on ties) over each piece's UTF-8 bytes. The rank files come from
/// the MIT Microsoft.ML.Tokenizers.Data packages embedded in the application (no network); p50k_base is r50k_base
/// plus its 24 runs of spaces. Thread-safe; the span methods allocate nothing once a text's pieces are cached.
/// </summary>
public sealed class TiktokenTokenizer
{
    private const int CacheLimit = 100_000;
    private const int CachedPieceMaxLength = 128;

    private static readonly ConcurrentDictionary<string, Lazy<TiktokenTokenizer>> Loaded = new(StringComparer.Ordinal);

    private readonly TiktokenRanks ranks;
    private readonly KnownPattern pattern;
    private readonly KnownPatternScanner scanner;
    private readonly Lazy<Tokenizer> pipeline;
    private readonly FrozenDictionary<string, int> specialTokens;
    private readonly Dictionary<int, string> specialById;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private int cacheSize;
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> cacheLookup;

    private TiktokenTokenizer(string name, TiktokenRanks ranks, KnownPattern pattern, Dictionary<string, int> special)
    {
        Name = name;
        this.ranks = ranks;
        this.pattern = pattern;
        scanner = new KnownPatternScanner(pattern);
        pipeline = new Lazy<Tokenizer>(BuildPipeline);
        specialTokens = special.ToFrozenDictionary(StringComparer.Ordinal);
        specialById = special.ToDictionary(p => p.Value, p => p.Key);
        cacheLookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        VocabularySize = Math.Max(ranks.Count, special.Values.Max() + 1);
    }

    /// <summary>The encoding's name, e.g. <c>o200k_base</c>.</summary>
    public string Name { get; }

    /// <summary>The special tokens and their ids (e.g. <c>&lt;|endoftext|&gt;</c>).</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => specialTokens;

    /// <summary>One more than the highest id (ranks and special tokens).</summary>
    public int VocabularySize { get; }

    /// <summary>The encodings <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> EncodingNames { get; } = ["r50k_base", "p50k_base", "cl100k_base", "o200k_base"];

    /// <summary>
    /// The tokenizer of encoding <paramref name="encodingName"/> (<c>r50k_base</c>, <c>p50k_base</c>,
    /// <c>cl100k_base</c>, <c>o200k_base</c>); loaded once per process and shared.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="EncodingNames"/>.</exception>
    public static TiktokenTokenizer Create(string encodingName)
    {
        ArgumentNullException.ThrowIfNull(encodingName);
        if (!EncodingNames.Contains(encodingName))
        {
            throw new ArgumentException(
                $"unknown tiktoken encoding '{encodingName}': expected one of {string.Join(", ", EncodingNames)}", nameof(encodingName));
        }
        return Loaded.GetOrAdd(encodingName, n => new Lazy<TiktokenTokenizer>(() => Load(n))).Value;
    }

    // The data assemblies are found through a constant Type.GetType name (one of their internal types) so that
    // trimming and NativeAOT keep them and their embedded rank files.
    private static TiktokenTokenizer Load(string name)
    {
        switch (name)
        {
            case "r50k_base":
                return new TiktokenTokenizer(name, R50k(), KnownPattern.Gpt2, new() { ["<|endoftext|>"] = 50256 });
            case "p50k_base":
                // p50k_base = r50k_base + runs of 2..25 spaces at ranks 50257..50280 (checked against tiktoken's data).
                var spaces = Enumerable.Range(2, 24).Select(n => Enumerable.Repeat((byte)' ', n).ToArray());
                return new TiktokenTokenizer(name, R50k().With(50257, spaces), KnownPattern.Gpt2, new() { ["<|endoftext|>"] = 50256 });
            case "cl100k_base":
                return new TiktokenTokenizer(name,
                    TiktokenRanks.LoadEmbedded(
                        () => Type.GetType("Microsoft.ML.Tokenizers.Cl100kBaseTokenizerData, Microsoft.ML.Tokenizers.Data.Cl100kBase"),
                        "Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"),
                    KnownPattern.Cl100k,
                    new()
                    {
                        ["<|endoftext|>"] = 100257, ["<|fim_prefix|>"] = 100258, ["<|fim_middle|>"] = 100259,
                        ["<|fim_suffix|>"] = 100260, ["<|endofprompt|>"] = 100276,
                    });
            default:
                return new TiktokenTokenizer(name,
                    TiktokenRanks.LoadEmbedded(
                        () => Type.GetType("Microsoft.ML.Tokenizers.O200kBaseTokenizerData, Microsoft.ML.Tokenizers.Data.O200kBase"),
                        "Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"),
                    KnownPattern.O200k,
                    new() { ["<|endoftext|>"] = 199999, ["<|endofprompt|>"] = 200018 });
        }

        static TiktokenRanks R50k() =>
            TiktokenRanks.LoadEmbedded(
                () => Type.GetType("Microsoft.ML.Tokenizers.R50kBaseTokenizerData, Microsoft.ML.Tokenizers.Data.R50kBase"),
                "Microsoft.ML.Tokenizers.Data.R50kBase", "r50k_base.tiktoken.deflate");
    }

    /// <summary>The most ids a text of <paramref name="length"/> UTF-16 units can give (three per unit).</summary>
    public static int MaxTokenCount(int length) => checked(length * 3);

    /// <summary>
    /// Encodes <paramref name="text"/> as ordinary text (tiktoken's <c>encode_ordinary</c>: special tokens are
    /// plain text) into <paramref name="destination"/>; returns the number of ids. Lone surrogates are encoded as
    /// U+FFFD, as tiktoken receives them from JavaScript or Python.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short (size it with
    /// <see cref="CountTokens"/> or <see cref="MaxTokenCount"/>).</exception>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> destination)
    {
        var sink = new SpanSink(destination);
        EncodeOrdinary(text, ref sink);
        return sink.Count;
    }

    /// <summary>The number of ids <see cref="EncodeToIds"/> gives for <paramref name="text"/>.</summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var sink = new CountSink();
        EncodeOrdinary(text, ref sink);
        return sink.Count;
    }

    /// <summary>Encodes ordinary text (special tokens are plain text), as tiktoken's <c>encode_ordinary</c>.</summary>
    public int[] EncodeOrdinary(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sink = new ListSink(new List<int>(text.Length / 3 + 4), null, 0);
        EncodeOrdinary(text, ref sink);
        return [.. sink.Ids];
    }

    /// <summary>
    /// Encodes <paramref name="text"/> as tiktoken's <c>encode</c>: the special tokens in
    /// <paramref name="allowedSpecial"/> become their ids; any other special token in the text is an error
    /// (use <see cref="EncodeOrdinary"/> to treat them as text).
    /// </summary>
    /// <exception cref="ArgumentException">The text holds a special token that is not allowed, or
    /// <paramref name="allowedSpecial"/> names an unknown one.</exception>
    public int[] Encode(string text, IEnumerable<string>? allowedSpecial = null) => [.. EncodeWithOffsets(text, allowedSpecial).Select(t => t.Id)];

    /// <summary>
    /// As <see cref="Encode"/>, with each token's UTF-16 span of <paramref name="text"/>. A token that holds only
    /// part of a character's UTF-8 bytes spans that whole character (so neighbouring tokens may share it).
    /// </summary>
    public IReadOnlyList<TiktokenToken> EncodeWithOffsets(string text, IEnumerable<string>? allowedSpecial = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string s in allowedSpecial ?? [])
        {
            if (!specialTokens.ContainsKey(s))
            {
                throw new ArgumentException($"'{s}' is not a special token of {Name}", nameof(allowedSpecial));
            }
            allowed.Add(s);
        }
        foreach (var (special, _) in specialTokens)
        {
            int at = allowed.Contains(special) ? -1 : text.IndexOf(special, StringComparison.Ordinal);
            if (at >= 0)
            {
                throw new ArgumentException(
                    $"the text holds the special token '{special}' at index {at}, which is not allowed: pass it in allowedSpecial, or use EncodeOrdinary to encode it as text",
                    nameof(text));
            }
        }
        var tokens = new List<TiktokenToken>(text.Length / 3 + 4);
        int position = 0;
        while (position <= text.Length)
        {
            // The leftmost allowed special token (the longest at the same index).
            int next = -1;
            string? found = null;
            foreach (string special in allowed)
            {
                int at = text.IndexOf(special, position, StringComparison.Ordinal);
                if (at >= 0 && (next < 0 || at < next || (at == next && special.Length > found!.Length)))
                {
                    next = at;
                    found = special;
                }
            }
            int end = next < 0 ? text.Length : next;
            var sink = new ListSink(new List<int>(), tokens, position);
            EncodeOrdinary(text.AsSpan(position, end - position), ref sink);
            if (found is null)
            {
                break;
            }
            tokens.Add(new TiktokenToken(specialTokens[found], next, next + found.Length));
            position = next + found.Length;
        }
        return tokens;
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: their bytes joined and read as UTF-8, invalid sequences replaced by
    /// U+FFFD (tiktoken's <c>decode</c> with <c>errors="replace"</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the encoding.</exception>
    public string Decode(ReadOnlySpan<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    /// <summary>The bytes of <paramref name="ids"/> joined (special tokens as their UTF-8 text).</summary>
    public byte[] DecodeBytes(ReadOnlySpan<int> ids)
    {
        var bytes = new ArrayBufferWriter<byte>(ids.Length * 4 + 16);
        foreach (int id in ids)
        {
            if (specialById.TryGetValue(id, out string? special))
            {
                bytes.Write(Encoding.UTF8.GetBytes(special));
            }
            else if (id >= 0 && id < ranks.Count && ranks.Bytes(id).Length > 0)
            {
                bytes.Write(ranks.Bytes(id));
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"id {id} is not in {Name}");
            }
        }
        return bytes.WrittenSpan.ToArray();
    }

    /// <summary>
    /// This encoding as a Hugging Face byte-level BPE <see cref="Tokenizer"/>, the pipeline HF's tiktoken converter
    /// makes (as in gpt-4o's tokenizer.json): each rank's bytes in the GPT-2 byte alphabet as the vocabulary, merges
    /// derived from the ranks, <c>ignore_merges</c>, Split(the encoding's pattern) then ByteLevel, the ByteLevel
    /// decoder, and the special tokens as added tokens at their tiktoken ids. Its ids equal tiktoken's
    /// (<see cref="Encode"/> with every special token allowed), and <see cref="Tokenizer.ToJson"/> is a tokenizer.json
    /// HF tokenizers loads. Built on first use (o200k_base: a fraction of a second) and shared, as <see cref="Create"/>
    /// shares this tokenizer.
    /// </summary>
    public Tokenizer ToTokenizer() => pipeline.Value;

    private Tokenizer BuildPipeline()
    {
        var vocabulary = new Dictionary<string, int>(ranks.Count + specialTokens.Count, StringComparer.Ordinal);
        for (int rank = 0; rank < ranks.Count; rank++)
        {
            ReadOnlySpan<byte> bytes = ranks.Bytes(rank);
            if (bytes.IsEmpty)
            {
                continue; // a free rank (p50k_base's 50256, which <|endoftext|> takes)
            }
            string token = string.Create(bytes.Length, (ranks, rank), static (chars, state) =>
            {
                ReadOnlySpan<byte> bytes = state.ranks.Bytes(state.rank);
                for (int i = 0; i < bytes.Length; i++)
                {
                    chars[i] = ByteLevelMapping.ByteToChar[bytes[i]];
                }
            });
            vocabulary[token] = rank;
        }
        // The special tokens sit in the model's vocabulary too, so that each keeps its tiktoken id (the added
        // vocabulary takes a content's model id; without it they would be numbered after the vocabulary).
        foreach (var (special, id) in specialTokens)
        {
            vocabulary[special] = id;
        }
        // HF's converter: every split of a token into two tokens is a merge; merges in the merged token's rank
        // order, a token's splits by their halves' ranks. tiktoken merges the lowest-ranked result first, so the
        // BPE model's merge order gives the same tokens, and ignore_merges takes a piece that is a token whole.
        var merges = new List<(int Left, int Right, int Merged)>(ranks.Count * 3);
        var splits = new List<(int Left, int Right)>();
        for (int rank = 0; rank < ranks.Count; rank++)
        {
            ReadOnlySpan<byte> bytes = ranks.Bytes(rank);
            if (bytes.Length < 2)
            {
                continue;
            }
            splits.Clear();
            for (int at = 1; at < bytes.Length; at++)
            {
                int left = ranks.Find(bytes[..at]);
                int right = left < 0 ? -1 : ranks.Find(bytes[at..]);
                if (right >= 0)
                {
                    splits.Add((left, right));
                }
            }
            splits.Sort();
            foreach (var (left, right) in splits)
            {
                merges.Add((left, right, rank));
            }
        }
        // Built from ids: the merges need no string concatenation or lookup (o200k_base has 446k of them).
        var model = BpeModel.FromMergeIds(vocabulary, merges, new BpeModelOptions { IgnoreMerges = true });
        var preTokenizer = new SequencePreTokenizer(
        [
            new SplitPreTokenizer(PatternText(pattern), SplitDelimiterBehavior.Isolated, invert: false, isRegex: true),
            new ByteLevelPreTokenizer(addPrefixSpace: false, trimOffsets: true, useRegex: false),
        ]);
        var added = specialTokens.OrderBy(p => p.Value).Select(p => new AddedToken(p.Key, p.Value, Special: true));
        return new Tokenizer(model, preTokenizer: preTokenizer, decoder: new ByteLevelDecoder(), addedTokens: added);
    }

    private static string PatternText(KnownPattern pattern) => pattern switch
    {
        KnownPattern.Gpt2 => KnownPatterns.Gpt2,
        KnownPattern.Cl100k => KnownPatterns.Cl100k,
        KnownPattern.O200k => KnownPatterns.O200k,
        _ => throw new InvalidOperationException($"{pattern} is not a tiktoken pattern"),
    };

    // ---- the encoder ----

    private interface ISink
    {
        void Add(int id, int byteStart, int byteEnd);

        /// <summary>Called before a piece's ids: the piece's UTF-16 start and its text (for offsets).</summary>
        void BeginPiece(int start, scoped ReadOnlySpan<char> piece);

        bool WantsOffsets { get; }
    }

    private void EncodeOrdinary<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, ISink, allows ref struct
    {
        Span<byte> small = stackalloc byte[256];
        byte[]? rented = null;
        int p = 0;
        try
        {
            while (p < text.Length)
            {
                int end = scanner.MatchAt(text, p);
                // These patterns match at every position; a stray miss still encodes the character on its own.
                if (end <= p)
                {
                    end = p + (char.IsHighSurrogate(text[p]) && p + 1 < text.Length && char.IsLowSurrogate(text[p + 1]) ? 2 : 1);
                }
                ReadOnlySpan<char> piece = text[p..end];
                if (sink.WantsOffsets)
                {
                    sink.BeginPiece(p, piece);
                }
                if (piece.Length <= CachedPieceMaxLength && cacheLookup.TryGetValue(piece, out int[]? cached))
                {
                    int b = 0;
                    foreach (int id in cached)
                    {
                        int length = sink.WantsOffsets ? ranks.Bytes(id).Length : 0;
                        sink.Add(id, b, b + length);
                        b += length;
                    }
                    p = end;
                    continue;
                }
                int max = piece.Length * 3;
                Span<byte> bytes = max <= small.Length ? small : Rent(ref rented, max);
                int n = Encoding.UTF8.GetBytes(piece, bytes);
                bytes = bytes[..n];
                int whole = ranks.Find(bytes);
                if (whole >= 0)
                {
                    sink.Add(whole, 0, n);
                }
                else
                {
                    MergeInto(piece, bytes, ref sink);
                }
                p = end;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static Span<byte> Rent(ref byte[]? rented, int length)
    {
        if (rented is null || rented.Length < length)
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            rented = ArrayPool<byte>.Shared.Rent(length);
        }
        return rented;
    }

    /// <summary>
    /// Pieces longer than this many bytes merge through a heap (O(n log n)) rather than tiktoken's quadratic scan. It is
    /// 3 × <see cref="CachedPieceMaxLength"/>, so every piece short enough to be cached still takes the scan (which fills
    /// the cache) and the heap is only for pieces no real text has many of.
    /// </summary>
    private const int ScanMergeMaxBytes = 3 * CachedPieceMaxLength;

    /// <summary>tiktoken's byte_pair_merge: repeatedly merge the adjacent pair of lowest rank (leftmost on ties).</summary>
    private void MergeInto<TSink>(scoped ReadOnlySpan<char> piece, scoped ReadOnlySpan<byte> bytes, ref TSink sink) where TSink : struct, ISink, allows ref struct
    {
        int n = bytes.Length;
        if (n > ScanMergeMaxBytes)
        {
            // tiktoken's scan is quadratic in the piece's length (20,000 identical letters take seconds): long pieces
            // take the same merges in the same order from a heap.
            HeapMerge(bytes, ref sink);
            return;
        }
        int[]? rentedStarts = null, rentedRanks = null;
        Span<int> starts = n + 1 <= 128 ? stackalloc int[128] : (rentedStarts = ArrayPool<int>.Shared.Rent(n + 1));
        Span<int> pairRanks = n + 1 <= 128 ? stackalloc int[128] : (rentedRanks = ArrayPool<int>.Shared.Rent(n + 1));
        try
        {
            // parts: starts[0..count], pairRanks[i] = rank of bytes[starts[i]..starts[i + 2]] (int.MaxValue if none).
            int count = n + 1;
            for (int i = 0; i <= n; i++)
            {
                starts[i] = i;
            }
            for (int i = 0; i < n - 1; i++)
            {
                int r = ranks.Find(bytes.Slice(i, 2));
                pairRanks[i] = r < 0 ? int.MaxValue : r;
            }
            pairRanks[n - 1] = int.MaxValue;
            pairRanks[n] = int.MaxValue;
            while (count > 1)
            {
                int minRank = int.MaxValue, at = -1;
                for (int i = 0; i < count - 1; i++)
                {
                    if (pairRanks[i] < minRank)
                    {
                        minRank = pairRanks[i];
                        at = i;
                    }
                }
                if (at < 0)
                {
                    break;
                }
                // Merge parts at and at + 1: the ranks of the pairs around it change (skipping the removed part).
                pairRanks[at] = RankOf(bytes, starts, count, at, skip: 1);
                if (at > 0)
                {
                    pairRanks[at - 1] = RankOf(bytes, starts, count, at - 1, skip: 1);
                }
                starts.Slice(at + 2, count - at - 2).CopyTo(starts[(at + 1)..]);
                pairRanks.Slice(at + 2, count - at - 2).CopyTo(pairRanks[(at + 1)..]);
                count--;
            }
            var ids = count - 1 <= 64 && piece.Length <= CachedPieceMaxLength ? new int[count - 1] : null;
            for (int i = 0; i < count - 1; i++)
            {
                int id = MergedRank(bytes[starts[i]..starts[i + 1]]);
                sink.Add(id, starts[i], starts[i + 1]);
                if (ids is not null)
                {
                    ids[i] = id;
                }
            }
            if (ids is not null)
            {
                // Bounded: start over rather than grow without limit (ConcurrentDictionary.Count takes every lock,
                // so the size is counted here).
                if (Interlocked.Increment(ref cacheSize) > CacheLimit)
                {
                    cache.Clear();
                    Interlocked.Exchange(ref cacheSize, 0);
                }
                cache.TryAdd(piece.ToString(), ids);
            }
        }
        finally
        {
            if (rentedStarts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedStarts);
                ArrayPool<int>.Shared.Return(rentedRanks!);
            }
        }
    }

    /// <summary>
    /// The merges of <see cref="MergeInto"/> for long pieces in O(n log n): parts are a linked list over byte offsets,
    /// and a binary heap holds each adjacent pair keyed by (rank, start offset), so the pair popped is the lowest rank,
    /// leftmost on ties, as tiktoken's scan finds it. A popped entry is current only if its part is alive and its pair
    /// still has that rank (a rank names one byte string, so an equal rank is the same pair).
    /// </summary>
    private void HeapMerge<TSink>(scoped ReadOnlySpan<byte> bytes, ref TSink sink) where TSink : struct, ISink, allows ref struct
    {
        int n = bytes.Length;
        int[] next = ArrayPool<int>.Shared.Rent(n);
        int[] prev = ArrayPool<int>.Shared.Rent(n);
        int[] pairRank = ArrayPool<int>.Shared.Rent(n);
        long[] heap = ArrayPool<long>.Shared.Rent(4 * n);
        try
        {
            int size = 0;
            for (int i = 0; i < n; i++)
            {
                next[i] = i + 1;
                prev[i] = i - 1;
            }
            for (int i = 0; i + 1 < n; i++)
            {
                int r = ranks.Find(bytes.Slice(i, 2));
                pairRank[i] = r < 0 ? int.MaxValue : r;
                if (r >= 0)
                {
                    Push(heap, ref size, ((long)r << 32) | (uint)i);
                }
            }
            pairRank[n - 1] = int.MaxValue;
            while (size > 0)
            {
                long top = Pop(heap, ref size);
                int rank = (int)(top >> 32);
                int at = (int)(uint)top;
                if (prev[at] == -2 || pairRank[at] != rank)
                {
                    continue; // stale: the part was merged away or its pair changed
                }
                int right = next[at];
                next[at] = next[right];
                prev[right] = -2;
                if (next[at] < n)
                {
                    prev[next[at]] = at;
                }
                pairRank[at] = PairRank(bytes, next, at, n);
                if (pairRank[at] != int.MaxValue)
                {
                    Push(heap, ref size, ((long)pairRank[at] << 32) | (uint)at);
                }
                int before = prev[at];
                if (before >= 0)
                {
                    pairRank[before] = PairRank(bytes, next, before, n);
                    if (pairRank[before] != int.MaxValue)
                    {
                        Push(heap, ref size, ((long)pairRank[before] << 32) | (uint)before);
                    }
                }
            }
            for (int i = 0; i < n; i = next[i])
            {
                int id = MergedRank(bytes[i..next[i]]);
                sink.Add(id, i, next[i]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(prev);
            ArrayPool<int>.Shared.Return(pairRank);
            ArrayPool<long>.Shared.Return(heap);
        }
    }

    /// <summary>The rank of a part the merges left: every part is a ranked token unless the rank file is corrupt.</summary>
    private int MergedRank(ReadOnlySpan<byte> part)
    {
        int id = ranks.Find(part);
        return id >= 0 ? id : throw new InvalidOperationException($"{Name}: the bytes {Convert.ToHexString(part)} have no rank (a corrupt rank file?)");
    }

    /// <summary>The rank of part <paramref name="i"/> joined with the part after it, or int.MaxValue.</summary>
    private int PairRank(ReadOnlySpan<byte> bytes, int[] next, int i, int n)
    {
        int right = next[i];
        if (right >= n)
        {
            return int.MaxValue;
        }
        int r = ranks.Find(bytes[i..next[right]]);
        return r < 0 ? int.MaxValue : r;
    }

    // A binary min-heap of (rank << 32 | offset) keys. Each merge pushes at most two entries, so 4n slots suffice.
    private static void Push(long[] heap, ref int size, long key)
    {
        int i = size++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] <= key)
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private static long Pop(long[] heap, ref int size)
    {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child])
            {
                child++;
            }
            if (heap[child] >= last)
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }

    /// <summary>Rank of the bytes from part <paramref name="i"/> to part <paramref name="i"/> + 2 + skip.</summary>
    private int RankOf(ReadOnlySpan<byte> bytes, Span<int> starts, int count, int i, int skip)
    {
        int last = i + 2 + skip;
        if (last >= count)
        {
            return int.MaxValue;
        }
        int r = ranks.Find(bytes[starts[i]..starts[last]]);
        return r < 0 ? int.MaxValue : r;
    }

    private ref struct SpanSink(Span<int> destination) : ISink
    {
        private readonly Span<int> destination = destination;

        public int Count { get; private set; }

        public readonly bool WantsOffsets => false;

        public readonly void BeginPiece(int start, scoped ReadOnlySpan<char> piece)
        {
        }

        public void Add(int id, int byteStart, int byteEnd)
        {
            if (Count >= destination.Length)
            {
                throw new ArgumentException(
                    $"the destination holds {destination.Length} ids, too few for the text: size it with CountTokens or MaxTokenCount", nameof(destination));
            }
            destination[Count++] = id;
        }
    }

    private struct CountSink : ISink
    {
        public int Count { get; private set; }

        public readonly bool WantsOffsets => false;

        public readonly void BeginPiece(int start, scoped ReadOnlySpan<char> piece)
        {
        }

        public void Add(int id, int byteStart, int byteEnd) => Count++;
    }

    /// <summary>Collects ids and, when <see cref="Tokens"/> is set, their UTF-16 offsets.</summary>
    private struct ListSink(List<int> ids, List<TiktokenToken>? tokens, int baseOffset) : ISink
    {
        private int pieceStart;
        private string? piece;
        // The character (and its first byte) where the previous token of this piece ended: tokens come in byte order,
        // so finding each one's characters from here keeps a piece linear (from the piece's start it was quadratic).
        private int cursorChar;
        private int cursorByte;

        public List<int> Ids { get; } = ids;

        public List<TiktokenToken>? Tokens { get; } = tokens;

        public readonly bool WantsOffsets => Tokens is not null;

        public void BeginPiece(int start, scoped ReadOnlySpan<char> text)
        {
            pieceStart = baseOffset + start;
            piece = text.ToString();
            cursorChar = 0;
            cursorByte = 0;
        }

        public void Add(int id, int byteStart, int byteEnd)
        {
            Ids.Add(id);
            if (Tokens is null)
            {
                return;
            }
            string text = piece!;
            int width, length;
            // The character holding byteStart (a token may begin inside the character the previous one ended in).
            while (cursorChar < text.Length && byteStart >= cursorByte + (width = Utf8Width(text, cursorChar, out length)))
            {
                cursorByte += width;
                cursorChar += length;
            }
            int start = cursorChar;
            int end = text.Length;
            while (cursorChar < text.Length)
            {
                width = Utf8Width(text, cursorChar, out length);
                if (byteEnd <= cursorByte + width)
                {
                    end = cursorChar + length;
                    break;
                }
                cursorByte += width;
                cursorChar += length;
            }
            Tokens.Add(new TiktokenToken(id, pieceStart + start, pieceStart + end));
        }

        /// <summary>The UTF-8 width of the character at <paramref name="i"/> (a lone surrogate as U+FFFD's three bytes).</summary>
        private static int Utf8Width(string text, int i, out int length)
        {
            char c = text[i];
            length = 1;
            if (c < 0x80)
            {
                return 1;
            }
            if (c < 0x800)
            {
                return 2;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                length = 2;
                return 4;
            }
            return 3;
        }
    }
}

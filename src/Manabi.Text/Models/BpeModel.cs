using System.Runtime.CompilerServices;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// Byte-pair encoding with HF tokenizers' semantics (its BPE model): a piece is split into characters looked up in the
/// vocabulary (unknown ones become the unknown token, fused or not, or UTF-8 byte tokens), then the adjacent pair of
/// lowest merge rank is merged, leftmost first, until no pair has a merge. Offsets are UTF-16 units within the piece.
/// Safe for concurrent use; a bounded cache remembers the tokens of words already seen.
/// </summary>
public sealed class BpeModel : ITokenizationModel
{
    /// <summary>Words of at most this many symbols are merged by rescanning a small array; longer ones through a heap.</summary>
    private const int ScanLimit = 48;

    private readonly Dictionary<string, int> _vocabulary;
    private IReadOnlyDictionary<string, int>? _vocabularyView;
    private readonly SpanLookup _lookup;
    private readonly string?[] _tokens;
    private readonly LongIntMap _mergeRanks;
    private readonly int[] _mergeNewIds;
    private readonly (int Left, int Right)[] _mergePairs;
    private readonly int[] _byteIds = new int[256];

    /// <summary>The id of each one-unit token (BMP character), -1 when absent: most symbols of a word need no hash.</summary>
    private readonly int[] _charIds = new int[char.MaxValue + 1];
    private readonly int _unknownId;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly int _prefixBytes;
    private readonly int _suffixBytes;
    private readonly float _dropout;
    private readonly Random? _seededRandom;
    private readonly Lock _randomLock = new();
    private readonly WordCache? _cache;
    private readonly bool _ignoreMerges;

    /// <summary>
    /// Creates the model from a vocabulary (token to id) and merges in rank order (the first merges first), as
    /// tokenizer.json's <c>model.vocab</c> and <c>model.merges</c>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A merge names a token (or makes one) the vocabulary lacks.</exception>
    public BpeModel(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string Left, string Right)> merges, BpeModelOptions? options = null)
        : this(vocabulary, merges, options ?? new BpeModelOptions(), "")
    {
    }

    internal BpeModel(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string Left, string Right)> merges, BpeModelOptions options, string where,
        Func<int, string, TokenizerFormatException>? mergeError = null)
        : this(vocabulary, options, where, MergeResolver(merges, where, mergeError))
    {
    }

    /// <summary>Resolves string merges once the vocabulary is in place (argument checks happen now).</summary>
    private static Func<BpeModel, IReadOnlyList<(int Left, int Right, int Merged)>> MergeResolver(
        IEnumerable<(string Left, string Right)> merges, string where, Func<int, string, TokenizerFormatException>? mergeError)
    {
        ArgumentNullException.ThrowIfNull(merges);
        mergeError ??= (rank, problem) => new TokenizerFormatException($"{where}merges[{rank}]: {problem}");
        return model => model.ResolveMerges(merges, mergeError);
    }

    /// <summary>
    /// Creates the model from merges already given as ids in rank order (left, right, the merged token), for callers
    /// that derive them from ids (tiktoken's ranks) and need no string concatenation or lookup per merge.
    /// </summary>
    internal static BpeModel FromMergeIds(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(int Left, int Right, int Merged)> merges,
        BpeModelOptions options) => new(vocabulary, options, "", _ => merges);

    private BpeModel(IReadOnlyDictionary<string, int> vocabulary, BpeModelOptions options, string where,
        Func<BpeModel, IReadOnlyList<(int Left, int Right, int Merged)>> resolveMerges)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dropout is float p && !(p >= 0 && p <= 1))
        {
            throw new TokenizerFormatException($"{where}dropout: {p} is not a probability between 0 and 1");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheCapacity, nameof(options));
        Options = options;
        _ignoreMerges = options.IgnoreMerges;
        _prefix = string.IsNullOrEmpty(options.ContinuingSubwordPrefix) ? null : options.ContinuingSubwordPrefix;
        _suffix = string.IsNullOrEmpty(options.EndOfWordSuffix) ? null : options.EndOfWordSuffix;
        _prefixBytes = _prefix is null ? 0 : Encoding.UTF8.GetByteCount(_prefix);
        _suffixBytes = _suffix is null ? 0 : Encoding.UTF8.GetByteCount(_suffix);
        _dropout = options.Dropout ?? 0;
        _seededRandom = options.DropoutSeed is int seed ? new Random(seed) : null;

        _vocabulary = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        var items = new List<(string, int)>(vocabulary.Count);
        int maxId = -1;
        foreach (var (token, id) in vocabulary)
        {
            if (id < 0)
            {
                throw new TokenizerFormatException($"{where}vocab: token '{token}' has the negative id {id}");
            }
            _vocabulary[token] = id;
            items.Add((token, id));
            maxId = Math.Max(maxId, id);
        }
        if (maxId > 64 * Math.Max(vocabulary.Count, 1 << 16))
        {
            throw new TokenizerFormatException($"{where}vocab: id {maxId} is far beyond the {vocabulary.Count} tokens (a sparse vocabulary this large is not supported)");
        }
        _tokens = new string?[maxId + 1];
        foreach (var (token, id) in items)
        {
            _tokens[id] = token;
        }
        _lookup = new SpanLookup(items);
        _charIds.AsSpan().Fill(-1);
        foreach (var (token, _) in items)
        {
            if (token.Length == 1)
            {
                // The lookup's answer, so that a token listed twice resolves as it does there (later wins).
                _charIds[token[0]] = _lookup.Find(token);
            }
        }
        for (int b = 0; b < 256; b++)
        {
            _byteIds[b] = _lookup.Find($"<0x{b:X2}>");
        }
        _unknownId = options.UnknownToken is { } unk && _vocabulary.TryGetValue(unk, out int unkId) ? unkId : -1;

        var resolved = resolveMerges(this);
        _mergeRanks = new LongIntMap(resolved.Count);
        _mergeNewIds = new int[resolved.Count];
        _mergePairs = new (int Left, int Right)[resolved.Count];
        for (int rank = 0; rank < resolved.Count; rank++)
        {
            var (leftId, rightId, newId) = resolved[rank];
            // A pair listed twice keeps its last rank, as HF's map does.
            _mergeRanks.Set(Pack(leftId, rightId), rank);
            _mergePairs[rank] = (leftId, rightId);
            _mergeNewIds[rank] = newId;
        }
        if (options.CacheCapacity > 0)
        {
            _cache = new WordCache(options.CacheCapacity);
        }
    }

    /// <summary>
    /// Reads the model from a <c>vocab.json</c> (token to id) and a <c>merges.txt</c> (one "left right" pair per line,
    /// a leading <c>#version</c> line skipped), as HF's <c>BPE::from_file</c>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">A file is malformed; the message names the file and line.</exception>
    public static BpeModel FromFiles(string vocabularyPath, string mergesPath, BpeModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabularyPath);
        ArgumentNullException.ThrowIfNull(mergesPath);
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            using var stream = File.OpenRead(vocabularyPath);
            using var document = System.Text.Json.JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new TokenizerFormatException("the vocabulary must be a JSON object of token to id", vocabularyPath, 0);
            }
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                // HF skips entries whose value is not a number.
                if (entry.Value.ValueKind != System.Text.Json.JsonValueKind.Number)
                {
                    continue;
                }
                if (!entry.Value.TryGetInt32(out int id) || id < 0)
                {
                    throw new TokenizerFormatException($"token '{entry.Name}': the id must be a non-negative integer, not {entry.Value.GetRawText()}", vocabularyPath, 0);
                }
                vocabulary[entry.Name] = id;
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new TokenizerFormatException($"not valid JSON: {e.Message}", vocabularyPath, (int)(e.LineNumber ?? -1) + 1, e);
        }
        var merges = new List<(string, string)>();
        var lines = new List<int>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(mergesPath))
        {
            lineNumber++;
            if (line.StartsWith("#version", StringComparison.Ordinal))
            {
                continue;
            }
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new TokenizerFormatException($"'{line}' is not two tokens separated by one space", mergesPath, lineNumber);
            }
            merges.Add((line[..space], line[(space + 1)..]));
            lines.Add(lineNumber);
        }
        return new BpeModel(vocabulary, merges, options ?? new BpeModelOptions(), "",
            (rank, problem) => new TokenizerFormatException(problem, mergesPath, lines[rank]));
    }

    /// <summary>The settings this model was created with.</summary>
    public BpeModelOptions Options { get; }

    /// <summary>The vocabulary: token to id.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocabularyView ??= _vocabulary.AsReadOnly();

    /// <inheritdoc/>
    public int VocabularySize => _vocabulary.Count;

    /// <summary>The merges in rank order, each pair once (a pair listed twice keeps its later rank, as in HF).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges
    {
        get
        {
            var ranks = _mergeRanks.Entries().Select(e => e.Value).Order().ToArray();
            return ranks.Select(r => (_tokens[_mergePairs[r].Left]!, _tokens[_mergePairs[r].Right]!)).ToArray();
        }
    }

    /// <inheritdoc/>
    public bool TryGetId(string token, out int id) => _vocabulary.TryGetValue(token, out id);

    /// <inheritdoc/>
    public string? GetToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    /// <summary>Forgets the cached words.</summary>
    public void ClearCache() => _cache?.Clear();

    /// <inheritdoc/>
    public void Tokenize(ReadOnlySpan<char> piece, List<ModelToken> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (piece.IsEmpty)
        {
            return;
        }
        if (_dropout > 0)
        {
            // HF skips both the cache and ignore_merges under dropout.
            Random random = _seededRandom ?? Random.Shared;
            if (_seededRandom is null)
            {
                int count = MergeInto(piece, random);
                Emit(t_scratch!.Packed.AsSpan(0, count), output);
            }
            else
            {
                // One draw sequence per seed: calls take turns so that a seed replays the same choices.
                lock (_randomLock)
                {
                    int count = MergeInto(piece, random);
                    Emit(t_scratch!.Packed.AsSpan(0, count), output);
                }
            }
            return;
        }
        ReadOnlySpan<int> packed = TokenizePacked(piece, out int whole);
        if (whole >= 0)
        {
            output.Add(new ModelToken(whole, _tokens[whole]!, 0, piece.Length));
            return;
        }
        Emit(packed, output);
    }

    /// <summary>
    /// A piece's tokens without dropout, for <see cref="Tokenize"/> and the fused byte-level path: the id of the whole
    /// piece under ignore_merges (else -1), or its packed (id, start, end) triples from the cache or a fresh merge. A
    /// fresh merge lives in this thread's scratch buffer: read it before this thread merges again.
    /// </summary>
    internal ReadOnlySpan<int> TokenizePacked(ReadOnlySpan<char> piece, out int wholeId)
    {
        wholeId = _ignoreMerges ? _lookup.Find(piece) : -1;
        if (wholeId >= 0)
        {
            return default;
        }
        if (_cache is not null && _cache.TryGet(piece, out int[] cached))
        {
            return cached;
        }
        int length = MergeInto(piece, null);
        int[] merged = t_scratch!.Packed;
        if (_cache is not null && _cache.Accepts(piece))
        {
            _cache.Add(piece, merged.AsSpan(0, length).ToArray());
        }
        // A word the cache will not keep is returned from this thread's scratch: no allocation at all.
        return merged.AsSpan(0, length);
    }

    private void Emit(ReadOnlySpan<int> packed, List<ModelToken> output)
    {
        string?[] tokens = _tokens;
        for (int i = 0; i < packed.Length; i += 3)
        {
            int id = packed[i];
            output.Add(new ModelToken(id, tokens[id]!, packed[i + 1], packed[i + 2]));
        }
    }

    /// <summary>The ids of each merge's halves and of the token it makes, checked against the vocabulary.</summary>
    private List<(int Left, int Right, int Merged)> ResolveMerges(IEnumerable<(string Left, string Right)> merges,
        Func<int, string, TokenizerFormatException> mergeError)
    {
        var resolved = new List<(int Left, int Right, int Merged)>(merges is ICollection<(string, string)> c ? c.Count : 1024);
        foreach (var (left, right) in merges)
        {
            int rank = resolved.Count;
            int leftId = VocabularyId(left, rank, mergeError);
            int rightId = VocabularyId(right, rank, mergeError);
            string merged = Concatenate(left, right, rank, mergeError);
            resolved.Add((leftId, rightId, VocabularyId(merged, rank, mergeError)));
        }
        return resolved;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Pack(int left, int right) => (long)left << 32 | (uint)right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Rank(int left, int right) => _mergeRanks.Get(Pack(left, right));

    private int VocabularyId(string token, int rank, Func<int, string, TokenizerFormatException> mergeError) =>
        _vocabulary.TryGetValue(token, out int id)
            ? id
            : throw mergeError(rank, $"token '{token}' is not in the vocabulary");

    /// <summary>The token a merge makes: HF drops the prefix's length in UTF-8 bytes from the right part, whatever it starts with.</summary>
    private string Concatenate(string left, string right, int rank, Func<int, string, TokenizerFormatException> mergeError)
    {
        if (_prefix is null)
        {
            return left + right;
        }
        if (right.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return string.Concat(left, right.AsSpan(_prefix.Length));
        }
        byte[] bytes = Encoding.UTF8.GetBytes(right);
        if (_prefixBytes > bytes.Length || (_prefixBytes < bytes.Length && (bytes[_prefixBytes] & 0xC0) == 0x80))
        {
            throw mergeError(rank, $"'{right}' cannot lose the continuing_subword_prefix's {_prefixBytes} bytes");
        }
        return left + Encoding.UTF8.GetString(bytes, _prefixBytes, bytes.Length - _prefixBytes);
    }

    /// <summary>Per-thread work arrays, grown on demand, so that a word's merge allocates only its result.</summary>
    private sealed class Scratch
    {
        public int[] Ids = new int[64];
        public int[] Bytes = new int[64];
        public int[] Units = new int[64];
        public int[] Prev = new int[64];
        public int[] Next = new int[64];
        public int[] Ranks = new int[64];
        public long[] Heap = new long[64];
        public List<long> Skipped = [];
        public int[] Packed = new int[192];

        public void Ensure(int capacity)
        {
            if (Ids.Length >= capacity)
            {
                return;
            }
            int size = Math.Max(capacity, Ids.Length * 2);
            Ids = new int[size];
            Bytes = new int[size];
            Units = new int[size];
            Prev = new int[size];
            Next = new int[size];
            Ranks = new int[size];
            Heap = new long[size * 2];
        }
    }

    [ThreadStatic]
    private static Scratch? t_scratch;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Utf8Length(char c) => c < 0x80 ? 1 : c < 0x800 ? 2 : 3;

    /// <summary>Splits <paramref name="piece"/> into symbols and merges them; returns (id, start, end) triples.</summary>
    internal int[] MergeWord(ReadOnlySpan<char> piece, Random? random, bool forceHeap = false)
    {
        // MergeInto first: it creates this thread's scratch and may grow its buffer.
        int length = MergeInto(piece, random, forceHeap);
        return t_scratch!.Packed.AsSpan(0, length).ToArray();
    }

    /// <summary>As <see cref="MergeWord"/>, leaving the triples in this thread's scratch buffer and returning their length.</summary>
    private int MergeInto(ReadOnlySpan<char> piece, Random? random, bool forceHeap = false)
    {
        Scratch s = t_scratch ??= new Scratch();
        s.Ensure(piece.Length * (3 + _prefixBytes) + _suffixBytes + 1);
        int n = BuildSymbols(piece, s, out bool regular);
        if (n > 1)
        {
            if (random is null && n <= ScanLimit && !forceHeap)
            {
                n = ScanMerge(s, n);
                return Offsets(piece, s, n, regular, linked: false);
            }
            HeapMerge(s, n, random);
            return Offsets(piece, s, n, regular, linked: true);
        }
        return Offsets(piece, s, n, regular, linked: false);
    }

    private int BuildSymbols(ReadOnlySpan<char> piece, Scratch s, out bool regular)
    {
        regular = true;
        int n = 0;
        int pendingUnknown = -1;
        int pendingBytes = 0;
        int pendingUnits = 0;
        int composeLength = (_prefix?.Length ?? 0) + 2 + (_suffix?.Length ?? 0);
        Span<char> compose = composeLength <= 128 ? stackalloc char[composeLength] : new char[composeLength];
        int[] ids = s.Ids;
        int[] bytes = s.Bytes;
        int[] units = s.Units;
        for (int i = 0; i < piece.Length;)
        {
            char c = piece[i];
            int width = char.IsHighSurrogate(c) && i + 1 < piece.Length && char.IsLowSurrogate(piece[i + 1]) ? 2 : 1;
            int byteLength = width == 2 ? 4 : Utf8Length(c);
            scoped ReadOnlySpan<char> symbol = piece.Slice(i, width);
            bool decorate = (i > 0 && _prefix is not null) || (i + width == piece.Length && _suffix is not null);
            if (decorate)
            {
                int k = 0;
                if (i > 0 && _prefix is not null)
                {
                    _prefix.CopyTo(compose);
                    k = _prefix.Length;
                }
                symbol.CopyTo(compose[k..]);
                k += width;
                if (i + width == piece.Length && _suffix is not null)
                {
                    _suffix.CopyTo(compose[k..]);
                    k += _suffix.Length;
                }
                symbol = compose[..k];
            }
            int id = !decorate && width == 1 ? _charIds[c] : _lookup.Find(symbol);
            if (id >= 0)
            {
                if (pendingUnknown >= 0)
                {
                    ids[n] = pendingUnknown;
                    bytes[n] = pendingBytes;
                    units[n++] = pendingUnits;
                    pendingUnknown = -1;
                }
                ids[n] = id;
                bytes[n] = byteLength;
                units[n++] = width;
            }
            else if (Options.ByteFallback && TryBytes(symbol, s, ref n))
            {
                // Byte tokens cover parts of a character: offsets go through UTF-8 positions, as HF's do.
                regular = false;
            }
            else if (Options.UnknownToken is { } unknownToken)
            {
                if (_unknownId < 0)
                {
                    throw new TokenizerFormatException($"BPE unk_token '{unknownToken}' is not in the vocabulary");
                }
                if (pendingUnknown >= 0 && Options.FuseUnknown)
                {
                    pendingBytes += byteLength;
                    pendingUnits += width;
                }
                else
                {
                    if (pendingUnknown >= 0)
                    {
                        ids[n] = pendingUnknown;
                        bytes[n] = pendingBytes;
                        units[n++] = pendingUnits;
                    }
                    pendingUnknown = _unknownId;
                    pendingBytes = byteLength;
                    pendingUnits = width;
                }
            }
            else
            {
                // HF drops the character but not its place: later offsets shift left, which UTF-8 positions reproduce.
                regular = false;
            }
            i += width;
        }
        if (pendingUnknown >= 0)
        {
            ids[n] = pendingUnknown;
            bytes[n] = pendingBytes;
            units[n++] = pendingUnits;
        }
        return n;
    }

    private bool TryBytes(ReadOnlySpan<char> symbol, Scratch s, ref int n)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(symbol.Length)];
        int count = Encoding.UTF8.GetBytes(symbol, utf8);
        for (int k = 0; k < count; k++)
        {
            if (_byteIds[utf8[k]] < 0)
            {
                return false;
            }
        }
        for (int k = 0; k < count; k++)
        {
            s.Ids[n] = _byteIds[utf8[k]];
            s.Bytes[n] = 1;
            s.Units[n++] = 0;
        }
        return true;
    }

    /// <summary>
    /// Merges by rescanning: each round merges the leftmost pair of lowest rank, which is the order HF's heap pops
    /// (by rank, then position) when no merge is skipped. Cheaper than a heap for the short words that dominate text.
    /// </summary>
    private int ScanMerge(Scratch s, int n)
    {
        int[] ids = s.Ids;
        int[] bytes = s.Bytes;
        int[] units = s.Units;
        int[] ranks = s.Ranks;
        for (int i = 0; i + 1 < n; i++)
        {
            int r = Rank(ids[i], ids[i + 1]);
            ranks[i] = r < 0 ? int.MaxValue : r;
        }
        while (n > 1)
        {
            int best = int.MaxValue;
            int at = -1;
            for (int i = 0; i + 1 < n; i++)
            {
                if (ranks[i] < best)
                {
                    best = ranks[i];
                    at = i;
                }
            }
            if (at < 0)
            {
                break;
            }
            ids[at] = _mergeNewIds[best];
            bytes[at] += bytes[at + 1];
            units[at] += units[at + 1];
            // Close the gap by hand: for the few symbols left, a loop beats four Array.Copy calls.
            for (int i = at + 1; i + 1 < n; i++)
            {
                ids[i] = ids[i + 1];
                bytes[i] = bytes[i + 1];
                units[i] = units[i + 1];
                ranks[i] = ranks[i + 1];
            }
            n--;
            if (at + 1 < n)
            {
                int r = Rank(ids[at], ids[at + 1]);
                ranks[at] = r < 0 ? int.MaxValue : r;
            }
            if (at > 0)
            {
                int r = Rank(ids[at - 1], ids[at]);
                ranks[at - 1] = r < 0 ? int.MaxValue : r;
            }
        }
        return n;
    }

    /// <summary>
    /// HF's word.rs merge loop: a min-heap of (rank, position) entries over a linked list of symbols; stale entries
    /// (a merged-away symbol, a pair that changed) are dropped when popped. Under dropout each pop may be skipped, and
    /// the skipped entries return to the heap once a merge goes ahead.
    /// </summary>
    private void HeapMerge(Scratch s, int n, Random? random)
    {
        int[] ids = s.Ids;
        int[] bytes = s.Bytes;
        int[] units = s.Units;
        int[] prev = s.Prev;
        int[] next = s.Next;
        for (int i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        var heap = new EntryHeap(s.Heap);
        for (int i = 0; i + 1 < n; i++)
        {
            int r = Rank(ids[i], ids[i + 1]);
            if (r >= 0)
            {
                heap.Push((long)r << 32 | (uint)i);
            }
        }
        List<long> skipped = s.Skipped;
        skipped.Clear();
        while (heap.Count > 0)
        {
            long top = heap.Pop();
            if (random is not null && random.NextSingle() < _dropout)
            {
                skipped.Add(top);
                continue;
            }
            foreach (long entry in skipped)
            {
                heap.Push(entry);
            }
            skipped.Clear();
            int pos = (int)(uint)top;
            int newId = _mergeNewIds[(int)(top >> 32)];
            if (bytes[pos] == 0 || next[pos] == -1)
            {
                continue;
            }
            int right = next[pos];
            int current = Rank(ids[pos], ids[right]);
            if (current < 0 || _mergeNewIds[current] != newId)
            {
                continue;
            }
            ids[pos] = newId;
            bytes[pos] += bytes[right];
            units[pos] += units[right];
            next[pos] = next[right];
            bytes[right] = 0;
            if (next[right] >= 0)
            {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0)
            {
                int r = Rank(ids[prev[pos]], ids[pos]);
                if (r >= 0)
                {
                    heap.Push((long)r << 32 | (uint)prev[pos]);
                }
            }
            if (next[pos] >= 0)
            {
                int r = Rank(ids[pos], ids[next[pos]]);
                if (r >= 0)
                {
                    heap.Push((long)r << 32 | (uint)pos);
                }
            }
        }
        s.Heap = heap.Items;
    }

    /// <summary>A binary min-heap of packed (rank, position) entries: the rank in the high half orders first.</summary>
    private struct EntryHeap(long[] items)
    {
        public long[] Items = items;
        public int Count;

        public void Push(long entry)
        {
            if (Count == Items.Length)
            {
                Array.Resize(ref Items, Items.Length * 2);
            }
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (Items[parent] <= entry)
                {
                    break;
                }
                Items[i] = Items[parent];
                i = parent;
            }
            Items[i] = entry;
        }

        public long Pop()
        {
            long top = Items[0];
            long last = Items[--Count];
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= Count)
                {
                    break;
                }
                if (child + 1 < Count && Items[child + 1] < Items[child])
                {
                    child++;
                }
                if (last <= Items[child])
                {
                    break;
                }
                Items[i] = Items[child];
                i = child;
            }
            if (Count > 0)
            {
                Items[i] = last;
            }
            return top;
        }
    }

    /// <summary>
    /// The merged symbols as (id, start, end) triples. Regular words sum UTF-16 lengths; words with byte tokens or
    /// dropped characters sum UTF-8 lengths as HF does and map each position to the character holding it.
    /// </summary>
    private static int Offsets(ReadOnlySpan<char> piece, Scratch s, int n, bool regular, bool linked)
    {
        int count = 0;
        if (linked)
        {
            for (int i = 0; i >= 0; i = s.Next[i])
            {
                count++;
            }
        }
        else
        {
            count = n;
        }
        if (s.Packed.Length < count * 3)
        {
            s.Packed = new int[count * 6];
        }
        int[] packed = s.Packed;
        int[]? charStart = null;
        int[]? charEnd = null;
        int totalBytes = 0;
        if (!regular)
        {
            totalBytes = Encoding.UTF8.GetByteCount(piece);
            charStart = new int[totalBytes];
            charEnd = new int[totalBytes];
            int b = 0;
            for (int i = 0; i < piece.Length;)
            {
                int width = char.IsHighSurrogate(piece[i]) && i + 1 < piece.Length && char.IsLowSurrogate(piece[i + 1]) ? 2 : 1;
                int length = width == 2 ? 4 : Utf8Length(piece[i]);
                for (int k = 0; k < length; k++)
                {
                    charStart[b + k] = i;
                    charEnd[b + k] = i + width;
                }
                b += length;
                i += width;
            }
        }
        int position = 0;
        int o = 0;
        int symbol = 0;
        for (int t = 0; t < count; t++)
        {
            int length = regular ? s.Units[symbol] : s.Bytes[symbol];
            int start = position;
            int end = position + length;
            position = end;
            if (!regular)
            {
                // Beyond the piece only when byte tokens spelled a prefix or suffix too: clamp to its end.
                start = start < totalBytes ? charStart![start] : piece.Length;
                end = end - 1 < totalBytes ? charEnd![end - 1] : piece.Length;
            }
            packed[o] = s.Ids[symbol];
            packed[o + 1] = start;
            packed[o + 2] = end;
            o += 3;
            symbol = linked ? s.Next[symbol] : symbol + 1;
        }
        return count * 3;
    }
}

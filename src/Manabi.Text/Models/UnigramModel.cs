using System.Text;

namespace Manabi.Text;

/// <summary>
/// The Unigram language model with HF tokenizers' semantics (its Unigram model, SentencePiece's unigram): the piece's
/// segmentation of highest total score (Viterbi over every vocabulary match, found by a trie), characters no piece covers
/// scored as unknown (the lowest score minus 10), consecutive unknowns fused into one token, and optionally spelled
/// as <c>&lt;0xXX&gt;</c> byte tokens. Ties keep the earlier candidate, as HF does. Offsets are UTF-16 units within the
/// piece. Safe for concurrent use; a bounded cache remembers the tokens of pieces already seen.
/// </summary>
public sealed class UnigramModel : ITokenizationModel
{
    /// <summary>HF's K_UNK_PENALTY: an unknown character scores this much below the lowest piece.</summary>
    private const double UnknownPenalty = 10.0;

    private readonly (string Piece, double Score)[] _vocabulary;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idLookup;
    private readonly double[] _scores;
    private readonly LongIntMap _edges;
    private readonly int[] _terminal;

    /// <summary>The root's child for each UTF-16 unit (-1 when none): every start position begins there, without a hash.</summary>
    private readonly int[] _rootChildren = new int[char.MaxValue + 1];
    private readonly int[] _byteIds = new int[256];
    private readonly int _unknownId;
    private readonly double _unknownScore;
    private readonly WordCache? _cache;

    /// <summary>
    /// Creates the model from its pieces and scores (tokenizer.json's <c>model.vocab</c>, ids in list order), the id of
    /// the unknown piece (<c>unk_id</c>) and whether unknown characters become byte tokens (<c>byte_fallback</c>).
    /// </summary>
    /// <exception cref="TokenizerFormatException"><paramref name="unknownId"/> is outside the vocabulary.</exception>
    public UnigramModel(IReadOnlyList<(string Piece, double Score)> vocabulary, int? unknownId = null, bool byteFallback = false)
        : this(vocabulary, unknownId, byteFallback, WordCache.DefaultCapacity, "")
    {
    }

    internal UnigramModel(IReadOnlyList<(string Piece, double Score)> vocabulary, int? unknownId, bool byteFallback, int cacheCapacity, string where)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (unknownId is int unk)
        {
            if (vocabulary.Count == 0)
            {
                throw new TokenizerFormatException($"{where}vocab: the vocabulary is empty but unk_id is set (it needs at least the unknown piece)");
            }
            if (unk < 0 || unk >= vocabulary.Count)
            {
                throw new TokenizerFormatException($"{where}unk_id: {unk} is outside the vocabulary of {vocabulary.Count} pieces");
            }
        }
        UnknownId = unknownId;
        ByteFallback = byteFallback;
        _unknownId = unknownId ?? -1;
        _vocabulary = [.. vocabulary];
        _scores = new double[_vocabulary.Length];
        _ids = new Dictionary<string, int>(_vocabulary.Length, StringComparer.Ordinal);
        _idLookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _edges = new LongIntMap(_vocabulary.Length * 4);
        var terminal = new List<int> { -1 };
        double minScore = double.PositiveInfinity;
        for (int id = 0; id < _vocabulary.Length; id++)
        {
            var (piece, score) = _vocabulary[id];
            ArgumentNullException.ThrowIfNull(piece, nameof(vocabulary));
            _scores[id] = score;
            // Later duplicates win, as HF's map insert does; the trie then finds that id.
            _ids[piece] = id;
            minScore = Math.Min(minScore, score);
            int node = 0;
            foreach (char c in piece)
            {
                long key = (long)node << 16 | c;
                int child = _edges.Get(key);
                if (child < 0)
                {
                    child = terminal.Count;
                    terminal.Add(-1);
                    _edges.Set(key, child);
                }
                node = child;
            }
            if (node != 0)
            {
                terminal[node] = id;
            }
        }
        _terminal = [.. terminal];
        _rootChildren.AsSpan().Fill(-1);
        foreach (var (key, child) in _edges.Entries())
        {
            if (key >> 16 == 0)
            {
                _rootChildren[(char)key] = child;
            }
        }
        MinScore = minScore;
        _unknownScore = minScore - UnknownPenalty;
        for (int b = 0; b < 256; b++)
        {
            _byteIds[b] = _ids.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        }
        if (cacheCapacity > 0)
        {
            _cache = new WordCache(cacheCapacity);
        }
    }

    /// <summary>The pieces and their scores, in id order.</summary>
    public IReadOnlyList<(string Piece, double Score)> Vocabulary => Array.AsReadOnly(_vocabulary);

    /// <summary>The id of the unknown piece, or null when the model has none (an uncovered character is then an error).</summary>
    public int? UnknownId { get; }

    /// <summary>Whether unknown characters are spelled as <c>&lt;0xXX&gt;</c> byte tokens when the vocabulary has them all.</summary>
    public bool ByteFallback { get; }

    /// <summary>The lowest piece score (an unknown character scores 10 less).</summary>
    public double MinScore { get; }

    /// <inheritdoc/>
    public int VocabularySize => _vocabulary.Length;

    /// <inheritdoc/>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <inheritdoc/>
    public string? GetToken(int id) => (uint)id < (uint)_vocabulary.Length ? _vocabulary[id].Piece : null;

    /// <summary>Forgets the cached pieces.</summary>
    public void ClearCache() => _cache?.Clear();

    /// <inheritdoc/>
    public void Tokenize(ReadOnlySpan<char> piece, List<ModelToken> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (piece.IsEmpty)
        {
            return;
        }
        int[] packed;
        if (_cache is null)
        {
            packed = Encode(piece);
        }
        else if (!_cache.TryGet(piece, out packed))
        {
            packed = Encode(piece);
            _cache.Add(piece, packed);
        }
        for (int i = 0; i < packed.Length; i += 3)
        {
            int id = packed[i];
            int start = packed[i + 1];
            int end = packed[i + 2];
            // An unknown token carries the text it covers, as HF's does; any other is its vocabulary piece.
            string value = id == _unknownId ? piece[start..end].ToString() : _vocabulary[id].Piece;
            output.Add(new ModelToken(id, value, start, end));
        }
    }

    private sealed class Scratch
    {
        public double[] Best = new double[64];
        public int[] From = new int[64];
        public int[] Ids = new int[64];
        public List<int> Result = [];

        public void Ensure(int capacity)
        {
            if (Best.Length < capacity)
            {
                int size = Math.Max(capacity, Best.Length * 2);
                Best = new double[size];
                From = new int[size];
                Ids = new int[size];
            }
        }
    }

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>HF's encode_optimized (the Viterbi best path) followed by its tokenize (unknown fusion, byte fallback).</summary>
    private int[] Encode(ReadOnlySpan<char> piece)
    {
        Scratch s = t_scratch ??= new Scratch();
        int n = piece.Length;
        s.Ensure(n + 1);
        double[] best = s.Best;
        int[] from = s.From;
        int[] ids = s.Ids;
        Array.Fill(from, -1, 0, n + 1);
        best[0] = 0;
        for (int start = 0; start < n;)
        {
            int width = char.IsHighSurrogate(piece[start]) && start + 1 < n && char.IsLowSurrogate(piece[start + 1]) ? 2 : 1;
            // Unreached positions score 0, as HF's default node does.
            double reached = from[start] >= 0 || start == 0 ? best[start] : 0;
            bool single = false;
            int node = 0;
            for (int k = start; k < n; k++)
            {
                node = k == start ? _rootChildren[piece[k]] : _edges.Get((long)node << 16 | piece[k]);
                if (node < 0)
                {
                    break;
                }
                int id = _terminal[node];
                if (id >= 0)
                {
                    int end = k + 1;
                    double candidate = _scores[id] + reached;
                    if (from[end] < 0 || candidate > best[end])
                    {
                        best[end] = candidate;
                        from[end] = start;
                        ids[end] = id;
                    }
                    if (end - start == width)
                    {
                        single = true;
                    }
                }
            }
            if (!single)
            {
                int end = start + width;
                double candidate = _unknownScore + reached;
                if (from[end] < 0 || candidate > best[end])
                {
                    if (_unknownId < 0)
                    {
                        throw new TokenizerFormatException(
                            $"Unigram: '{piece.Slice(start, width).ToString()}' has no piece and the model has no unk_id");
                    }
                    best[end] = candidate;
                    from[end] = start;
                    ids[end] = _unknownId;
                }
            }
            start += width;
        }

        // Walk back from the end: (id, start, end) triples in reverse, consecutive unknowns fused.
        List<int> result = s.Result;
        result.Clear();
        int fusedEnd = -1;
        for (int end = n; end > 0;)
        {
            int start = from[end];
            if (ids[end] == _unknownId)
            {
                if (fusedEnd < 0)
                {
                    fusedEnd = end;
                }
            }
            else
            {
                if (fusedEnd >= 0)
                {
                    AddUnknown(piece, end, fusedEnd, result);
                    fusedEnd = -1;
                }
                result.Add(end);
                result.Add(start);
                result.Add(ids[end]);
            }
            end = start;
        }
        if (fusedEnd >= 0)
        {
            AddUnknown(piece, 0, fusedEnd, result);
        }
        var packed = new int[result.Count];
        for (int i = 0; i < packed.Length; i++)
        {
            packed[i] = result[packed.Length - 1 - i];
        }
        return packed;
    }

    /// <summary>A run of unknowns, reversed into <paramref name="result"/>: its own piece if the vocabulary has the text, else byte tokens, else the unknown id.</summary>
    private void AddUnknown(ReadOnlySpan<char> piece, int start, int end, List<int> result)
    {
        ReadOnlySpan<char> text = piece[start..end];
        if (_idLookup.TryGetValue(text, out int id))
        {
            result.Add(end);
            result.Add(start);
            result.Add(id);
            return;
        }
        if (ByteFallback)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text.ToArray());
            bool all = true;
            foreach (byte b in utf8)
            {
                all &= _byteIds[b] >= 0;
            }
            if (all)
            {
                for (int k = utf8.Length - 1; k >= 0; k--)
                {
                    result.Add(end);
                    result.Add(start);
                    result.Add(_byteIds[utf8[k]]);
                }
                return;
            }
        }
        result.Add(end);
        result.Add(start);
        result.Add(_unknownId);
    }
}

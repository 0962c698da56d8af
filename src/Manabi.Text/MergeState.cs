using System.Runtime.InteropServices;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// The BPE merge loop behind <see cref="WordPieceTrainer"/>, following HF's <c>BpeTrainer::do_train</c>:
/// pair counts are updated incrementally from each merge's local changes and a lazy max-heap is
/// re-validated on pop. Pairs are packed as <c>(left &lt;&lt; 32) | right</c> so ties break on the smaller pair.
/// </summary>
internal sealed class MergeState(WordPieceTrainerOptions options)
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private int[][] _words = [];
    private int[] _lengths = [];
    private long[] _counts = [];
    private Dictionary<long, long> _pairCounts = [];
    private Dictionary<long, HashSet<int>> _whereToUpdate = [];

    public List<string> Tokens { get; } = [];

    public int Intern(string token)
    {
        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, token, out bool exists);
        if (!exists)
        {
            id = Tokens.Count;
            Tokens.Add(token);
        }
        return id;
    }

    private static long Pack(int left, int right) => ((long)left << 32) | (uint)right;

    private static (int Left, int Right) Unpack(long pair) => ((int)(pair >> 32), (int)pair);

    /// <summary>Splits each word into alphabet characters (others are dropped, as HF does), prefixing non-initial ones.</summary>
    public void TokenizeWords(string[] words, IReadOnlyDictionary<string, long> wordCounts)
    {
        _words = new int[words.Length][];
        _lengths = new int[words.Length];
        _counts = new long[words.Length];
        var symbols = new List<int>();
        for (int w = 0; w < words.Length; w++)
        {
            string word = words[w];
            _counts[w] = wordCounts[word];
            symbols.Clear();
            int index = 0;
            foreach (Rune rune in word.EnumerateRunes())
            {
                string character = rune.ToString();
                if (_ids.ContainsKey(character))
                {
                    string piece = index == 0 ? character : options.ContinuingSubwordPrefix + character;
                    symbols.Add(Intern(piece));
                }
                index++;
            }
            _words[w] = [.. symbols];
            _lengths[w] = symbols.Count;
        }
    }

    public void CountPairs()
    {
        int chunks = Math.Max(1, Environment.ProcessorCount);
        var partial = new (Dictionary<long, long> Counts, Dictionary<long, HashSet<int>> Where)[chunks];
        Parallel.For(0, chunks, c =>
        {
            var counts = new Dictionary<long, long>();
            var where = new Dictionary<long, HashSet<int>>();
            for (int w = c; w < _words.Length; w += chunks)
            {
                int[] word = _words[w];
                for (int i = 0; i + 1 < _lengths[w]; i++)
                {
                    long pair = Pack(word[i], word[i + 1]);
                    CollectionsMarshal.GetValueRefOrAddDefault(counts, pair, out _) += _counts[w];
                    (CollectionsMarshal.GetValueRefOrAddDefault(where, pair, out _) ??= []).Add(w);
                }
            }
            partial[c] = (counts, where);
        });
        _pairCounts = partial[0].Counts;
        _whereToUpdate = partial[0].Where;
        for (int c = 1; c < chunks; c++)
        {
            foreach (var (pair, count) in partial[c].Counts)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_pairCounts, pair, out _) += count;
            }
            foreach (var (pair, where) in partial[c].Where)
            {
                ref HashSet<int>? set = ref CollectionsMarshal.GetValueRefOrAddDefault(_whereToUpdate, pair, out _);
                if (set is null)
                {
                    set = where;
                }
                else
                {
                    set.UnionWith(where);
                }
            }
        }
    }

    private sealed class HeapOrder : IComparer<(long Count, long Pair)>
    {
        public static readonly HeapOrder Instance = new();

        // PriorityQueue pops the smallest: the highest count first, then the smallest pair.
        public int Compare((long Count, long Pair) x, (long Count, long Pair) y) =>
            x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair);
    }

    public void MergeByCount(IProgress<WordPieceTrainingProgress>? progress)
    {
        var queue = new PriorityQueue<HashSet<int>, (long Count, long Pair)>(HeapOrder.Instance);
        foreach (var (pair, where) in _whereToUpdate)
        {
            long count = _pairCounts[pair];
            if (count > 0)
            {
                queue.Enqueue(where, (count, pair));
            }
        }
        _whereToUpdate.Clear();
        var changes = new List<(long Pair, long Change, int Word)>();
        int merges = 0;
        while (Tokens.Count < options.VocabSize && queue.TryDequeue(out HashSet<int>? where, out var top))
        {
            long current = _pairCounts[top.Pair];
            if (top.Count != current)
            {
                queue.Enqueue(where, (current, top.Pair));
                continue;
            }
            if (top.Count < 1 || options.MinFrequency > top.Count)
            {
                break;
            }
            var (left, right) = Unpack(top.Pair);
            int merged = Intern(MergedToken(left, right));
            changes.Clear();
            foreach (int w in where)
            {
                MergeWord(w, left, right, merged, changes);
            }
            foreach (var (pair, change, w) in changes)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_pairCounts, pair, out _) += change * _counts[w];
                if (change > 0)
                {
                    (CollectionsMarshal.GetValueRefOrAddDefault(_whereToUpdate, pair, out _) ??= []).Add(w);
                }
            }
            foreach (var (pair, positions) in _whereToUpdate)
            {
                long count = _pairCounts[pair];
                if (count > 0)
                {
                    queue.Enqueue(positions, (count, pair));
                }
            }
            _whereToUpdate.Clear();
            merges++;
            if ((merges & 255) == 0)
            {
                progress?.Report(new("Compute merges", Tokens.Count, options.VocabSize));
            }
        }
        progress?.Report(new("Compute merges", Tokens.Count, options.VocabSize));
    }

    public void MergeByLikelihood(IProgress<WordPieceTrainingProgress>? progress)
    {
        var frequencies = new List<long>(new long[Tokens.Count]);
        for (int w = 0; w < _words.Length; w++)
        {
            for (int i = 0; i < _lengths[w]; i++)
            {
                frequencies[_words[w][i]] += _counts[w];
            }
        }
        var positions = _whereToUpdate;
        _whereToUpdate = [];
        var changes = new List<(long Pair, long Change, int Word)>();
        while (Tokens.Count < options.VocabSize)
        {
            long best = -1;
            double bestScore = -1;
            foreach (var (pair, count) in _pairCounts)
            {
                if (count < 1 || count < options.MinFrequency)
                {
                    continue;
                }
                var (l, r) = Unpack(pair);
                double score = count / ((double)frequencies[l] * frequencies[r]);
                if (score > bestScore || (score == bestScore && pair < best))
                {
                    best = pair;
                    bestScore = score;
                }
            }
            if (best < 0)
            {
                break;
            }
            var (left, right) = Unpack(best);
            int merged = Intern(MergedToken(left, right));
            while (frequencies.Count < Tokens.Count)
            {
                frequencies.Add(0);
            }
            changes.Clear();
            foreach (int w in positions[best])
            {
                int occurrences = MergeWord(w, left, right, merged, changes);
                frequencies[merged] += occurrences * _counts[w];
                frequencies[left] -= occurrences * _counts[w];
                frequencies[right] -= occurrences * _counts[w];
            }
            positions.Remove(best);
            _pairCounts[best] = 0;
            foreach (var (pair, change, w) in changes)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_pairCounts, pair, out _) += change * _counts[w];
                if (change > 0)
                {
                    (CollectionsMarshal.GetValueRefOrAddDefault(positions, pair, out _) ??= []).Add(w);
                }
            }
            if ((Tokens.Count & 255) == 0)
            {
                progress?.Report(new("Compute merges", Tokens.Count, options.VocabSize));
            }
        }
        progress?.Report(new("Compute merges", Tokens.Count, options.VocabSize));
    }

    private string MergedToken(int left, int right)
    {
        string b = Tokens[right];
        string prefix = options.ContinuingSubwordPrefix;
        if (prefix.Length > 0 && b.StartsWith(prefix, StringComparison.Ordinal))
        {
            b = b[prefix.Length..];
        }
        return Tokens[left] + b;
    }

    /// <summary>HF's <c>Word::merge</c>: replaces each left-right occurrence, recording pair count changes.</summary>
    private int MergeWord(int w, int left, int right, int merged, List<(long, long, int)> changes)
    {
        int[] symbols = _words[w];
        int length = _lengths[w];
        int occurrences = 0;
        int write = 0;
        for (int read = 0; read < length; read++)
        {
            if (symbols[read] == left && read + 1 < length && symbols[read + 1] == right)
            {
                if (write > 0)
                {
                    changes.Add((Pack(symbols[write - 1], left), -1, w));
                    changes.Add((Pack(symbols[write - 1], merged), 1, w));
                }
                if (read + 2 < length)
                {
                    changes.Add((Pack(right, symbols[read + 2]), -1, w));
                    changes.Add((Pack(merged, symbols[read + 2]), 1, w));
                }
                symbols[write++] = merged;
                read++;
                occurrences++;
            }
            else
            {
                symbols[write++] = symbols[read];
            }
        }
        _lengths[w] = write;
        return occurrences;
    }
}

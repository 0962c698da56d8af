using System.Numerics.Tensors;
using System.Text;

namespace Manabi.Vectors;

/// <summary>
/// Magnitude-style out-of-vocabulary vectors: oov(w) = normalize(0.3·R(w) + 0.7·M(w)). R is the normalized mean of
/// pseudo-random uniform(-1, 1) vectors seeded by xxHash32 of each character 1–6-gram of the key wrapped in boundary
/// markers with runs of 3+ identical characters shrunk to 2; M is the normalized mean of up to three stored vectors
/// whose keys share the most character n-grams with the key (6-grams first, down to 3-grams).
/// </summary>
internal sealed class OutOfVocabulary(VectorStore store, OovMatching matching)
{
    private const int MatchCount = 3;
    private const float RandomWeight = 0.3f;
    private const float MatchWeight = 0.7f;

    [ThreadStatic] private static int[]? t_scores;

    public float[] Vector(string key)
    {
        int dims = store.Dimensions;
        float[] result = RandomPart(key, dims);
        List<(int Row, float Weight)> rows = MatchRows(key);
        if (rows.Count == 0)
        {
            return result;
        }
        var match = new float[dims];
        var row = new float[dims];
        foreach ((int r, float weight) in rows)
        {
            store.ReadUnit(r, row);
            TensorPrimitives.MultiplyAdd(row, weight, match, match);
        }
        VectorStore.Normalize(match);
        TensorPrimitives.Multiply(result, RandomWeight, result);
        TensorPrimitives.MultiplyAdd(match, MatchWeight, result, result);
        VectorStore.Normalize(result);
        return result;
    }

    /// <summary>The deterministic pseudo-random part: same key, same vector, on every machine.</summary>
    public static float[] RandomPart(string key, int dims)
    {
        string wrapped = CharNgrams.ShrinkRuns(CharNgrams.Wrap(key), 2);
        var sum = new float[dims];
        int grams = 0;
        Span<byte> utf8 = stackalloc byte[6 * 4];
        for (int n = 1; n <= Math.Min(6, wrapped.Length); n++)
        {
            for (int i = 0; i + n <= wrapped.Length; i++)
            {
                int bytes = Encoding.UTF8.GetBytes(wrapped.AsSpan(i, n), utf8);
                var rng = new SplitMix64(XxHash.Hash32(utf8[..bytes]));
                for (int d = 0; d < dims; d++)
                {
                    sum[d] += rng.NextSymmetric();
                }
                grams++;
            }
        }
        TensorPrimitives.Divide(sum, grams, sum);
        VectorStore.Normalize(sum);
        return sum;
    }

    /// <summary>The rows averaged into the matching part and their weights (empty when nothing matches).</summary>
    public List<(int Row, float Weight)> MatchRows(string key)
    {
        string lowerKey = CharNgrams.ShrinkRuns(key, 2).ToLowerInvariant();
        List<int> rows = MatchCandidates(key);
        if (matching == OovMatching.Magnitude || rows.Count <= 1)
        {
            return [.. rows.Take(MatchCount).Select(r => (r, 1f))];
        }
        // Typo-aware: the closest spellings first, weighted so that a near-exact spelling dominates the mean.
        return [.. rows
            .Select((r, rank) => (Row: r, Rank: rank, Distance: StringDistance(store.GetKey(r).ToLowerInvariant(), lowerKey)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Rank)
            .Take(MatchCount)
            .Select(c => (c.Row, (float)Math.Exp(-3 * c.Distance)))];
    }

    private int PoolSize => matching == OovMatching.Magnitude ? MatchCount : 50;

    private List<int> MatchCandidates(string key)
    {
        string shrunk1 = CharNgrams.ShrinkRuns(key, 1);
        string shrunk2 = CharNgrams.ShrinkRuns(key, 2);
        // 1. Exact (case-insensitive) matches of the key with repeated letters shrunk ("helllo" -> "hello", "helo").
        List<int> rows = ExactRows([shrunk1, shrunk2]);
        if (rows.Count > 0)
        {
            return rows;
        }
        if (!store.HasNgramIndex)
        {
            return rows;
        }
        // 2. Keys sharing the most n-grams, longest n-grams first, down to 3-grams until three are found.
        string wrapped = CharNgrams.Wrap(shrunk2.ToLowerInvariant());
        int trueLength = wrapped.Length - 2;
        int level = store.Header.NgramMax;
        // Longest n-grams first; shorter ones only while fewer than three keys match (Magnitude's loop).
        for (; level >= store.Header.NgramMin && rows.Count < MatchCount; level--)
        {
            rows = SearchNgrams(wrapped, level, level, trueLength);
        }
        if (matching == OovMatching.TypoAware && level >= store.Header.NgramMin)
        {
            // A deletion breaks every long n-gram around it: look one level shorter too before ranking by spelling.
            rows = [.. rows.Union(SearchNgrams(wrapped, level, level, trueLength))];
        }
        // 3. Fallback: strip English prefixes and suffixes when the best match is not a small typo of the key.
        string stemmed = EnglishAffixes.Stem(shrunk1);
        IEnumerable<int> judged = matching == OovMatching.Magnitude ? rows.Take(1) : rows;
        bool smallTypo = judged.Any(r => StringDistance(store.GetKey(r).ToLowerInvariant(), key.ToLowerInvariant()) <= 4);
        if (!smallTypo && stemmed != key && stemmed != shrunk1)
        {
            List<int> stemRows = ExactRows([stemmed, EnglishAffixes.Stem(key)]);
            if (stemRows.Count == 0)
            {
                string wrappedStem = CharNgrams.Wrap(stemmed.ToLowerInvariant());
                stemRows = SearchNgrams(wrappedStem, Math.Max(store.Header.NgramMin, level + 1), store.Header.NgramMax, wrappedStem.Length - 2);
            }
            if (stemRows.Count > 0)
            {
                rows = stemRows;
            }
        }
        return rows;
    }

    private List<int> ExactRows(string[] candidates)
    {
        var rows = new List<int>();
        foreach (string c in candidates.Distinct())
        {
            int row = store.FindExact(c);
            if (row < 0)
            {
                row = store.FindLower(c.ToLowerInvariant());
            }
            if (row >= 0 && !rows.Contains(row))
            {
                rows.Add(row);
            }
        }
        return rows.Count > MatchCount ? rows[..MatchCount] : rows;
    }

    /// <summary>
    /// Ranks stored keys by how many of the query's n-grams (lengths min..max) they contain; ties go to keys that
    /// share the first and last letter (for keys of 6 letters or fewer), then to shorter keys, then to earlier rows.
    /// </summary>
    private List<int> SearchNgrams(string wrapped, int min, int max, int trueLength)
    {
        var grams = new List<string>();
        for (int n = min; n <= max; n++)
        {
            List<string> ofLength = [.. CharNgrams.OfLength(wrapped, n).Distinct()];
            // Magnitude bounds the query: keep every other n-gram (and the last) until at most 4/8/12 remain.
            int limit = n switch { 6 => 4, 5 => 8, 4 => 12, _ => int.MaxValue };
            while (min == max && ofLength.Count > limit)
            {
                var sampled = new List<string>();
                for (int i = 0; i < ofLength.Count - 1; i += 2)
                {
                    sampled.Add(ofLength[i]);
                }
                sampled.Add(ofLength[^1]);
                ofLength = sampled;
            }
            grams.AddRange(ofLength);
        }
        int count = store.Count;
        int[] scores = t_scores is { } s && s.Length == count ? s : t_scores = new int[count];
        var touched = new List<int>();
        ReadOnlySpan<ulong> hashes = store.Section<ulong>(StoreSection.NgramHashes);
        ReadOnlySpan<long> starts = store.Section<long>(StoreSection.NgramStarts);
        ReadOnlySpan<int> postings = store.Section<int>(StoreSection.NgramPostings);
        foreach (string gram in grams.Distinct())
        {
            int at = hashes.BinarySearch(CharNgrams.Hash(gram));
            if (at < 0)
            {
                continue;
            }
            // The postings are read lazily, so their ranges and rows are checked here rather than at open.
            long from = starts[at], to = starts[at + 1];
            if (from < 0 || to < from || to > postings.Length)
            {
                throw store.Corrupt($"section 'NgramStarts' gives n-gram {at} the postings {from}..{to}, outside the {postings.Length} of 'NgramPostings'");
            }
            foreach (int row in postings[(int)from..(int)to])
            {
                if ((uint)row >= (uint)count)
                {
                    throw store.Corrupt($"section 'NgramPostings' names row {row}, but the store holds {count} rows");
                }
                if (scores[row]++ == 0)
                {
                    touched.Add(row);
                }
            }
        }
        int pool = PoolSize;
        var best = new List<(int Score, int Affix, int Length, int Row)>(pool + 1);
        char first = wrapped[1], last = wrapped[^2];
        foreach (int row in touched)
        {
            int score = scores[row];
            scores[row] = 0;
            if (best.Count == pool && score < best[^1].Score)
            {
                continue;
            }
            int length = store.KeyByteLength(row);
            int affix = 0;
            if (trueLength <= 6)
            {
                string k = store.GetKey(row).ToLowerInvariant();
                if (k.Length <= trueLength)
                {
                    affix = (k.Length > 0 && k[0] == first ? 2 : 0) + (k.Length > 0 && k[^1] == last ? 1 : 0);
                }
            }
            var item = (score, affix, length, row);
            int pos = best.Count;
            while (pos > 0 && Better(item, best[pos - 1]))
            {
                pos--;
            }
            if (pos < pool)
            {
                best.Insert(pos, item);
                if (best.Count > pool)
                {
                    best.RemoveAt(pool);
                }
            }
        }
        return [.. best.Select(b => b.Row)];
    }

    private static bool Better((int Score, int Affix, int Length, int Row) a, (int Score, int Affix, int Length, int Row) b) =>
        a.Score != b.Score ? a.Score > b.Score
        : a.Affix != b.Affix ? a.Affix > b.Affix
        : a.Length != b.Length ? a.Length < b.Length
        : a.Row < b.Row;

    /// <summary>Magnitude's typo distance: max length × (1 − similarity ratio), ratio = 2·LCS / (|a| + |b|).</summary>
    internal static double StringDistance(string a, string b)
    {
        int length = Math.Max(a.Length, b.Length);
        if (length == 0)
        {
            return 0;
        }
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            }
            (previous, current) = (current, previous);
        }
        double ratio = 2.0 * previous[b.Length] / (a.Length + b.Length);
        return length - ratio * length;
    }
}

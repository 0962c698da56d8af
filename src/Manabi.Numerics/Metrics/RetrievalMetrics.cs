using System.Numerics.Tensors;

namespace Manabi.Numerics.Metrics;

/// <summary>
/// Retrieval metrics of metric learning: every embedding is a query against all the others (itself excluded).
/// Queries whose class has no other member cannot retrieve anything relevant and are left out of every figure,
/// as pytorch-metric-learning's AccuracyCalculator leaves out "lone" queries. Pure managed, so a service that only
/// evaluates embeddings does not need libtorch.
/// </summary>
public static class RetrievalMetrics
{
    // Elements of one chunk's similarity block (~64 MB of float32), which bounds memory for large n: there is never
    // an n × n matrix, only (rows of the chunk) × n.
    private const long ChunkElementBudget = 16L << 20;

    // Queries scored together against one tile of candidates, so that the tile is read from cache once per block
    // rather than once per query.
    private const int QueryBlock = 16;

    // Candidate rows of one tile: about 64 KB of keys for d = 128, which stays in L2 while a query block uses it.
    private const int CandidateTileBytes = 64 << 10;

    /// <summary>
    /// Precision@1, Recall@k and MAP@R of leave-one-out retrieval, computed in float32 for chunks of queries at a
    /// time (dot products with <see cref="TensorPrimitives"/>, in parallel over queries) followed by a top-depth
    /// selection per query, with depth max(k, R). Ranks among exactly equal similarities go to the lower index first,
    /// so the figures are deterministic.
    /// </summary>
    /// <param name="embeddings">The n × <paramref name="dimension"/> embeddings, row-major, finite, n ≥ 2.</param>
    /// <param name="dimension">The length of one embedding (the row length), at least 1.</param>
    /// <param name="labels">n class labels; at least one class must have two or more members.</param>
    /// <param name="ks">The k of each Recall@k, each between 1 and n − 1.</param>
    /// <param name="distance"><see cref="RetrievalDistance.Cosine"/> ranks by cosine similarity,
    /// <see cref="RetrievalDistance.Euclidean"/> by L2 distance.</param>
    /// <returns>The metrics, averaged over the queries that have at least one same-class embedding.</returns>
    /// <exception cref="ArgumentException">Bad shapes, a NaN or infinite value, a k out of range, or no class with
    /// two members.</exception>
    public static RetrievalResult Evaluate(ReadOnlySpan<float> embeddings, int dimension, IReadOnlyList<int> labels,
        IReadOnlyList<int> ks, RetrievalDistance distance = RetrievalDistance.Cosine) =>
        Evaluate(embeddings, dimension, labels, ks, distance, ChunkElementBudget);

    /// <summary><see cref="Evaluate(ReadOnlySpan{float}, int, IReadOnlyList{int}, IReadOnlyList{int}, RetrievalDistance)"/>
    /// with a chosen chunk budget, so that tests can cross chunk boundaries with a few hundred rows.</summary>
    internal static RetrievalResult Evaluate(ReadOnlySpan<float> embeddings, int dimension, IReadOnlyList<int> labels,
        IReadOnlyList<int> ks, RetrievalDistance distance, long chunkElementBudget)
    {
        ArgumentNullException.ThrowIfNull(ks);
        if (distance is not (RetrievalDistance.Euclidean or RetrievalDistance.Cosine))
        {
            throw new ArgumentException($"distance {distance} is not supported.", nameof(distance));
        }
        int n = CheckMatrix(embeddings, dimension);
        int[] classIndex = DenseClasses(labels, n);
        for (int i = 0; i < ks.Count; i++)
        {
            if (ks[i] < 1 || ks[i] > n - 1)
            {
                throw new ArgumentException($"ks[{i}] is {ks[i]}; each k must be between 1 and n − 1 = {n - 1}.", nameof(ks));
            }
        }
        int[] distinctKs = ks.Distinct().Order().ToArray();

        var classSizes = new int[n];
        foreach (int c in classIndex)
        {
            classSizes[c]++;
        }
        var relevantCounts = new int[n];
        int queries = 0;
        int maxRelevant = 0;
        for (int i = 0; i < n; i++)
        {
            relevantCounts[i] = classSizes[classIndex[i]] - 1;
            queries += relevantCounts[i] > 0 ? 1 : 0;
            maxRelevant = Math.Max(maxRelevant, relevantCounts[i]);
        }
        if (queries == 0)
        {
            throw new ArgumentException("labels has no class with two or more members, so no query has anything to retrieve.", nameof(labels));
        }
        int depth = Math.Max(distinctKs.LastOrDefault(1), maxRelevant);

        float[] keys = Keys(embeddings, n, dimension, distance);
        var squaredNorms = new float[n];
        for (int i = 0; i < n; i++)
        {
            squaredNorms[i] = TensorPrimitives.SumOfSquares(keys.AsSpan(i * dimension, dimension));
        }

        // Per-query outcomes, summed in query order afterwards so that the figures do not depend on thread timing.
        var firstRelevantRank = new int[n];
        var averagePrecision = new double[n];
        var scoring = new Scoring(keys, squaredNorms, n, dimension, distance, classIndex, relevantCounts,
            firstRelevantRank, averagePrecision);
        int chunk = (int)Math.Clamp(chunkElementBudget / n, 1, n);
        var similarity = new float[(long)Math.Min(chunk, n) * n];
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            int blocks = (count + QueryBlock - 1) / QueryBlock;
            Parallel.For(0, blocks, () => new Selection(depth),
                (block, _, selection) => scoring.RunBlock(similarity, start, count, block, selection),
                _ => { });
        }

        int hitsAt1 = 0;
        var hitsAtK = new int[distinctKs.Length];
        double averagePrecisionSum = 0;
        for (int q = 0; q < n; q++)
        {
            if (relevantCounts[q] == 0)
            {
                continue;
            }
            hitsAt1 += firstRelevantRank[q] == 0 ? 1 : 0;
            for (int k = 0; k < distinctKs.Length; k++)
            {
                hitsAtK[k] += firstRelevantRank[q] < distinctKs[k] ? 1 : 0;
            }
            averagePrecisionSum += averagePrecision[q];
        }
        var recall = new Dictionary<int, double>(distinctKs.Length);
        for (int k = 0; k < distinctKs.Length; k++)
        {
            recall[distinctKs[k]] = (double)hitsAtK[k] / queries;
        }
        return new RetrievalResult((double)hitsAt1 / queries, recall, averagePrecisionSum / queries);
    }

    /// <summary>Checks the shape and values of the embeddings, with the messages of the tensor version; returns n.</summary>
    private static int CheckMatrix(ReadOnlySpan<float> embeddings, int dimension)
    {
        const string name = "embeddings";
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1.");
        }
        if (embeddings.Length % dimension != 0)
        {
            throw new ArgumentException(
                $"{name} has {embeddings.Length} values, which is not a whole number of rows of dimension {dimension}.", name);
        }
        int n = embeddings.Length / dimension;
        if (n < 2)
        {
            throw new ArgumentException($"{name} has shape [{n}, {dimension}]; at least 2 row(s) and 1 dimension are needed.", name);
        }
        if (!TensorPrimitives.IsFiniteAll(embeddings))
        {
            int row = 0;
            while (TensorPrimitives.IsFiniteAll(embeddings.Slice(row * dimension, dimension)))
            {
                row++;
            }
            throw new ArgumentException($"{name} row {row} contains a NaN or infinite value.", name);
        }
        return n;
    }

    /// <summary>Checks that there is one label per row and maps the labels to dense class indices.</summary>
    private static int[] DenseClasses(IReadOnlyList<int> labels, int rows)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != rows)
        {
            throw new ArgumentException($"{nameof(labels)} has {labels.Count} labels but the embeddings have {rows} rows.", nameof(labels));
        }
        var lookup = new Dictionary<int, int>();
        var classIndex = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            if (!lookup.TryGetValue(labels[i], out int c))
            {
                c = lookup.Count;
                lookup[labels[i]] = c;
            }
            classIndex[i] = c;
        }
        return classIndex;
    }

    /// <summary>
    /// The rows that are compared: unit rows for cosine (a zero row stays zero, as torch's <c>normalize</c> with
    /// eps = 1e-12), centred rows for Euclidean, because distances do not change under translation and centring keeps
    /// ‖x‖² − 2x·y + ‖y‖² well conditioned.
    /// </summary>
    private static float[] Keys(ReadOnlySpan<float> embeddings, int n, int dimension, RetrievalDistance distance)
    {
        float[] keys = embeddings.ToArray();
        if (distance == RetrievalDistance.Cosine)
        {
            for (int i = 0; i < n; i++)
            {
                Span<float> row = keys.AsSpan(i * dimension, dimension);
                TensorPrimitives.Divide(row, MathF.Max(TensorPrimitives.Norm(row), 1e-12f), row);
            }
            return keys;
        }
        var mean = new double[dimension];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                mean[j] += keys[i * dimension + j];
            }
        }
        var centre = new float[dimension];
        for (int j = 0; j < dimension; j++)
        {
            centre[j] = (float)(mean[j] / n);
        }
        for (int i = 0; i < n; i++)
        {
            Span<float> row = keys.AsSpan(i * dimension, dimension);
            TensorPrimitives.Subtract(row, centre, row);
        }
        return keys;
    }

    /// <summary>The state shared by the query blocks of one evaluation; each block writes only its own rows.</summary>
    private sealed class Scoring(float[] keys, float[] squaredNorms, int n, int dimension, RetrievalDistance distance,
        int[] classIndex, int[] relevantCounts, int[] firstRelevantRank, double[] averagePrecision)
    {
        private readonly int _tile = Math.Max(1, CandidateTileBytes / (dimension * sizeof(float)));

        /// <summary>Scores block <paramref name="block"/> of the chunk's queries against every row, then ranks each.</summary>
        public Selection RunBlock(float[] similarity, int start, int count, int block, Selection selection)
        {
            int first = start + block * QueryBlock;
            int last = Math.Min(first + QueryBlock, start + count);
            for (int tileStart = 0; tileStart < n; tileStart += _tile)
            {
                int tileEnd = Math.Min(tileStart + _tile, n);
                for (int q = first; q < last; q++)
                {
                    if (relevantCounts[q] == 0)
                    {
                        // A lone query is left out of every figure, so it is not scored at all.
                        continue;
                    }
                    ReadOnlySpan<float> query = keys.AsSpan(q * dimension, dimension);
                    Span<float> row = similarity.AsSpan((int)((long)(q - start) * n), n);
                    for (int c = tileStart; c < tileEnd; c++)
                    {
                        float dot = TensorPrimitives.Dot(query, keys.AsSpan(c * dimension, dimension));
                        // Negative squared distance: same order as the negative distance, without a square root.
                        row[c] = distance == RetrievalDistance.Cosine ? dot : 2 * dot - squaredNorms[c] - squaredNorms[q];
                    }
                }
            }
            for (int q = first; q < last; q++)
            {
                if (relevantCounts[q] > 0)
                {
                    Rank(similarity.AsSpan((int)((long)(q - start) * n), n), q, selection);
                }
            }
            return selection;
        }

        /// <summary>Takes the query's <c>depth</c> nearest others and records its first relevant rank and AP@R.</summary>
        private void Rank(ReadOnlySpan<float> row, int q, Selection selection)
        {
            ReadOnlySpan<int> nearest = selection.Nearest(row, q);
            int queryClass = classIndex[q];
            int relevant = relevantCounts[q];
            int firstHit = int.MaxValue;
            int found = 0;
            double sum = 0;
            for (int i = 0; i < nearest.Length; i++)
            {
                if (classIndex[nearest[i]] != queryClass)
                {
                    continue;
                }
                firstHit = Math.Min(firstHit, i);
                found++;
                if (i < relevant)
                {
                    sum += (double)found / (i + 1);
                }
            }
            firstRelevantRank[q] = firstHit;
            averagePrecision[q] = sum / relevant;
        }
    }

    /// <summary>
    /// A bounded heap that keeps the <c>depth</c> best candidates of one query: higher score first, and of equal
    /// scores the lower index first. One per worker, reused for every query it ranks.
    /// </summary>
    private sealed class Selection(int depth)
    {
        private readonly float[] _scores = new float[depth];
        private readonly int[] _indices = new int[depth];
        private readonly int[] _ranked = new int[depth];

        /// <summary>The indices of the <c>depth</c> best rows other than <paramref name="self"/>, best first.</summary>
        public ReadOnlySpan<int> Nearest(ReadOnlySpan<float> row, int self)
        {
            // Root = the worst of those kept, so a candidate only has to beat the root to enter.
            int size = 0;
            for (int c = 0; c < row.Length; c++)
            {
                if (c == self)
                {
                    continue;
                }
                float score = row[c];
                if (size < _scores.Length)
                {
                    SiftUp(size++, score, c);
                }
                else if (Worse(_scores[0], _indices[0], score, c))
                {
                    SiftDown(size, score, c);
                }
            }
            // Popping the worst each time fills the ranking from the back.
            for (int i = size - 1; i >= 0; i--)
            {
                _ranked[i] = _indices[0];
                float lastScore = _scores[i];
                int lastIndex = _indices[i];
                SiftDown(i, lastScore, lastIndex);
            }
            return _ranked.AsSpan(0, size);
        }

        /// <summary>Whether candidate a ranks after candidate b.</summary>
        private static bool Worse(float scoreA, int indexA, float scoreB, int indexB) =>
            scoreA < scoreB || (scoreA == scoreB && indexA > indexB);

        private void SiftUp(int position, float score, int index)
        {
            while (position > 0)
            {
                int parent = (position - 1) / 2;
                if (!Worse(score, index, _scores[parent], _indices[parent]))
                {
                    break;
                }
                _scores[position] = _scores[parent];
                _indices[position] = _indices[parent];
                position = parent;
            }
            _scores[position] = score;
            _indices[position] = index;
        }

        /// <summary>Replaces the root with (score, index) in a heap of <paramref name="size"/> entries.</summary>
        private void SiftDown(int size, float score, int index)
        {
            int position = 0;
            while (true)
            {
                int child = 2 * position + 1;
                if (child >= size)
                {
                    break;
                }
                if (child + 1 < size && Worse(_scores[child + 1], _indices[child + 1], _scores[child], _indices[child]))
                {
                    child++;
                }
                if (!Worse(_scores[child], _indices[child], score, index))
                {
                    break;
                }
                _scores[position] = _scores[child];
                _indices[position] = _indices[child];
                position = child;
            }
            _scores[position] = score;
            _indices[position] = index;
        }
    }
}

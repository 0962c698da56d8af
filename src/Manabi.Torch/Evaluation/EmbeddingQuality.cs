using Manabi.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>
/// Embedding-quality statistics for self-supervised and Siamese networks: covariance spectrum, RankMe effective rank,
/// the SimSiam collapse statistic, Wang &amp; Isola's alignment and uniformity, and a 2-D PCA projection.
/// Products over the rows are done with libtorch in float64; the d×d eigenproblems with <see cref="Eigen.Symmetric"/>.
/// </summary>
public static class EmbeddingQuality
{
    // Rows of the pairwise block computed at once by Uniformity (a 512 × 5000 float64 block is 20 MB).
    private const int PairChunkRows = 512;

    /// <summary>Computes every statistic of <see cref="EmbeddingQualityReport"/>.</summary>
    /// <param name="embeddings">(n, d) floating-point tensor, finite, n ≥ 2, not all zero.</param>
    /// <param name="labels">Optional n class labels. When given (and <paramref name="views"/> is not), the alignment is
    /// measured on positive pairs made by pairing each embedding whose class has another member with one such member
    /// drawn with <see cref="Random"/>(<paramref name="seed"/>).</param>
    /// <param name="views">Optional (n, d) embeddings of second views: row i of <paramref name="views"/> and row i of
    /// <paramref name="embeddings"/> form a positive pair. Takes precedence over <paramref name="labels"/>.</param>
    /// <param name="seed">Seed of the positive-pair draw and of the uniformity subsample.</param>
    /// <returns>The report; <see cref="EmbeddingQualityReport.Alignment"/> is null when there are no positive pairs.</returns>
    /// <exception cref="ArgumentException">Bad shapes, non-finite or all-zero embeddings, or labels of the wrong length.</exception>
    public static EmbeddingQualityReport Compute(Tensor embeddings, IReadOnlyList<int>? labels = null, Tensor? views = null, int seed = 0)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = EmbeddingInput.Matrix(embeddings, nameof(embeddings), minimumRows: 2).to(float64);
        int n = (int)x.shape[0];
        int d = (int)x.shape[1];
        if (!x.ne(0).any().item<bool>())
        {
            throw new ArgumentException("embeddings are all zero; no statistic is defined.", nameof(embeddings));
        }

        Tensor mean = x.mean([0], keepdim: true);
        Tensor centered = x - mean;
        Tensor scatter = centered.t().matmul(centered);
        SymmetricEigenDecomposition covariance = Eigen.Symmetric(SymmetricArray(scatter / (n - 1)));
        // Ascending from the solver; descending here, with round-off below zero clamped (a covariance is PSD).
        double[] eigenvalues = covariance.Values.Reverse().Select(v => Math.Max(v, 0.0)).ToArray();
        double[,] projection = ProjectOnLeadingComponents(centered, covariance.Vectors!);

        // RankMe uses the singular values of the embeddings as they are (not centred), from the smaller Gram matrix;
        // XᵀX = XcᵀXc + n·μᵀμ reuses the scatter matrix instead of a second n·d² product.
        Tensor gram = n >= d ? scatter + n * mean.t().matmul(mean) : x.matmul(x.t());
        double[] singular = Eigen.Symmetric(SymmetricArray(gram), computeVectors: false).Values.Select(v => Math.Sqrt(Math.Max(v, 0.0))).ToArray();
        double effectiveRank = Spectrum.EffectiveRank(singular);

        Tensor normalizedStd = nn.functional.normalize(x, dim: 1).std(0);
        double[] spread = normalizedStd.data<double>().ToArray();

        double? alignment = null;
        if (views is not null)
        {
            alignment = Alignment(embeddings, views);
        }
        else if (labels is not null)
        {
            alignment = LabelAlignment(x, labels, seed);
        }

        return new EmbeddingQualityReport(n, d, eigenvalues, effectiveRank, spread, spread.Average(), 1.0 / Math.Sqrt(d), alignment,
            Uniformity(embeddings, seed: seed), projection);
    }

    /// <summary>
    /// Alignment (Wang &amp; Isola 2020, α = 2): the mean of ‖â − b̂‖² over the rows, where â and b̂ are the rows of
    /// <paramref name="a"/> and <paramref name="b"/> scaled to unit length (a zero row stays zero).
    /// </summary>
    /// <param name="a">(n, d) embeddings.</param>
    /// <param name="b">(n, d) embeddings; row i is the positive partner of row i of <paramref name="a"/>.</param>
    /// <returns>A value between 0 (perfect alignment) and 4.</returns>
    /// <exception cref="ArgumentException">Shapes differ or are not (n, d), or values are not finite.</exception>
    public static double Alignment(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor left = EmbeddingInput.Matrix(a, nameof(a)).to(float64);
        Tensor right = EmbeddingInput.Matrix(b, nameof(b)).to(float64);
        if (!left.shape.SequenceEqual(right.shape))
        {
            throw new ArgumentException(
                $"b has shape [{string.Join(", ", right.shape)}] but a has [{string.Join(", ", left.shape)}]; rows must pair up.", nameof(b));
        }
        return PairAlignment(left, right);
    }

    /// <summary>
    /// Uniformity (Wang &amp; Isola 2020, t = 2): log of the mean of exp(−2‖x̂ᵢ − x̂ⱼ‖²) over all pairs i &lt; j of rows
    /// scaled to unit length. With more than <paramref name="maxPoints"/> rows, a subsample of that many rows drawn
    /// with <see cref="Random"/>(<paramref name="seed"/>) is used, since the cost grows with the square of the rows.
    /// </summary>
    /// <param name="x">(n, d) embeddings, n ≥ 2.</param>
    /// <param name="maxPoints">Largest number of rows used, at least 2.</param>
    /// <param name="seed">Seed of the subsample.</param>
    /// <returns>0 for collapsed embeddings, lower for spread ones; never below −4·m/(m − 1) for m rows used.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 rows, <paramref name="maxPoints"/> below 2, or non-finite values.</exception>
    public static double Uniformity(Tensor x, int maxPoints = 5000, int seed = 0)
    {
        if (maxPoints < 2)
        {
            throw new ArgumentException($"maxPoints must be at least 2 but is {maxPoints}.", nameof(maxPoints));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor points = EmbeddingInput.Matrix(x, nameof(x), minimumRows: 2);
        int n = (int)points.shape[0];
        if (n > maxPoints)
        {
            int[] order = Enumerable.Range(0, n).ToArray();
            var random = new Random(seed);
            for (int i = 0; i < maxPoints; i++)
            {
                int j = random.Next(i, n);
                (order[i], order[j]) = (order[j], order[i]);
            }
            points = points.index_select(0, tensor(order.Take(maxPoints).Select(i => (long)i).ToArray()));
            n = maxPoints;
        }
        Tensor unit = nn.functional.normalize(points.to(float64), dim: 1);
        Tensor squaredNorms = unit.square().sum(1);
        Tensor columns = arange(n, int64).unsqueeze(0);
        double sum = 0;
        for (int start = 0; start < n - 1; start += PairChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(PairChunkRows, n - start);
            Tensor squaredDistances = (squaredNorms.narrow(0, start, count).unsqueeze(1) + squaredNorms.unsqueeze(0)
                - 2 * unit.narrow(0, start, count).matmul(unit.t())).clamp_min(0);
            Tensor laterColumn = columns > arange(start, start + count, int64).unsqueeze(1);
            sum += exp(-2 * squaredDistances).masked_fill(laterColumn.logical_not(), 0).sum().item<double>();
        }
        double pairs = n * (n - 1.0) / 2.0;
        return Math.Log(sum / pairs);
    }

    private static double PairAlignment(Tensor left, Tensor right) =>
        (nn.functional.normalize(left, dim: 1) - nn.functional.normalize(right, dim: 1)).square().sum(1).mean().item<double>();

    /// <summary>Alignment over same-class pairs: each row whose class has another member, with a random such member.</summary>
    private static double? LabelAlignment(Tensor x, IReadOnlyList<int> labels, int seed)
    {
        var (classIndex, classLabels) = EmbeddingInput.DenseClasses(labels, x.shape[0], nameof(labels));
        var members = Enumerable.Range(0, classLabels.Length).Select(_ => new List<long>()).ToArray();
        for (int i = 0; i < classIndex.Length; i++)
        {
            members[classIndex[i]].Add(i);
        }
        var random = new Random(seed);
        var anchors = new List<long>();
        var partners = new List<long>();
        for (int i = 0; i < classIndex.Length; i++)
        {
            List<long> pool = members[classIndex[i]];
            if (pool.Count < 2)
            {
                continue;
            }
            // A uniform draw among the other members: skip over the anchor's own position.
            int pick = random.Next(pool.Count - 1);
            long partner = pool[pick];
            if (partner >= i)
            {
                partner = pool[pick + 1];
            }
            anchors.Add(i);
            partners.Add(partner);
        }
        if (anchors.Count == 0)
        {
            return null;
        }
        return PairAlignment(x.index_select(0, tensor(anchors.ToArray())), x.index_select(0, tensor(partners.ToArray())));
    }

    /// <summary>
    /// Coordinates of the centred rows on the two leading eigenvectors, each signed so that its largest-magnitude entry
    /// is positive (scikit-learn's <c>svd_flip</c>); a one-dimensional input gets a zero second column.
    /// </summary>
    private static double[,] ProjectOnLeadingComponents(Tensor centered, double[,] vectors)
    {
        int d = vectors.GetLength(0);
        int components = Math.Min(2, d);
        var axes = new double[d * 2];
        for (int c = 0; c < components; c++)
        {
            int column = d - 1 - c;
            int largest = 0;
            for (int j = 1; j < d; j++)
            {
                if (Math.Abs(vectors[j, column]) > Math.Abs(vectors[largest, column]))
                {
                    largest = j;
                }
            }
            double sign = vectors[largest, column] < 0 ? -1.0 : 1.0;
            for (int j = 0; j < d; j++)
            {
                axes[j * 2 + c] = sign * vectors[j, column];
            }
        }
        double[] flat = centered.matmul(tensor(axes, [d, 2], float64)).data<double>().ToArray();
        int n = flat.Length / 2;
        var projection = new double[n, 2];
        Buffer.BlockCopy(flat, 0, projection, 0, flat.Length * sizeof(double));
        return projection;
    }

    /// <summary>A square product such as XᵀX as an array, made exactly symmetric (BLAS need not round both triangles alike).</summary>
    private static double[,] SymmetricArray(Tensor square)
    {
        int size = (int)square.shape[0];
        double[] flat = ((square + square.t()) / 2).contiguous().data<double>().ToArray();
        var matrix = new double[size, size];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return matrix;
    }
}

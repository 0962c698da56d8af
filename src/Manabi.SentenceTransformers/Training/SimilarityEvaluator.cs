namespace Manabi.SentenceTransformers.Training;

/// <summary>
/// Scores a model on pairs with gold similarities: the Spearman correlation between the cosine of the two embeddings
/// and the gold score (sentence-transformers' <c>EmbeddingSimilarityEvaluator</c>, cosine metric).
/// </summary>
public sealed class SimilarityEvaluator
{
    private readonly IReadOnlyList<SimilarityExample> _examples;

    /// <summary>Creates an evaluator on at least two pairs.</summary>
    public SimilarityEvaluator(IReadOnlyList<SimilarityExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count < 2)
        {
            throw new ArgumentException("a dev set needs at least two scored pairs", nameof(examples));
        }
        _examples = examples;
    }

    /// <summary>Spearman(cos(u, v), gold) over the pairs.</summary>
    public double Evaluate(SentenceEncoder model, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        var first = model.Encode(_examples.Select(e => e.First).ToList(), batchSize).Vectors;
        var second = model.Encode(_examples.Select(e => e.Second).ToList(), batchSize).Vectors;
        var cosines = new double[_examples.Count];
        for (int i = 0; i < cosines.Length; i++)
        {
            cosines[i] = Cosine(first[i], second[i]);
        }
        return SpearmanCorrelation.Compute(cosines, _examples.Select(e => e.Score).ToArray());
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Max(Math.Sqrt(na) * Math.Sqrt(nb), 1e-12);
    }
}

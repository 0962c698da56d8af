using System.Numerics.Tensors;

namespace Manabi.SentenceTransformers.Tests;

/// <summary>How close a reduced-precision encoder's embeddings are to float32's, text by text.</summary>
/// <param name="Mean">Mean cosine.</param>
/// <param name="Lowest">Lowest cosine.</param>
/// <param name="LargestChange">Largest change of one component: shows the other path really ran.</param>
internal sealed record EmbeddingAgreement(double Mean, double Lowest, double LargestChange)
{
    public static EmbeddingAgreement Of(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double sum = 0, lowest = 1, largestChange = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double cosine = TensorPrimitives.CosineSimilarity(expected[i], actual[i]);
            sum += cosine;
            lowest = Math.Min(lowest, cosine);
            for (int j = 0; j < expected[i].Length; j++)
            {
                largestChange = Math.Max(largestChange, Math.Abs(expected[i][j] - actual[i][j]));
            }
        }
        return new EmbeddingAgreement(sum / expected.Length, lowest, largestChange);
    }

    public override string ToString() =>
        $"mean {Mean:F6}, lowest {Lowest:F6}; largest component change {LargestChange:F5}";
}

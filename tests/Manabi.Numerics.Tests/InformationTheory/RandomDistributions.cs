namespace Manabi.Numerics.Tests.Divergences;

/// <summary>Seeded random probability vectors, some with exact zeros, of lengths that cross vector and chunk widths.</summary>
internal static class RandomDistributions
{
    /// <summary>Non-negative weights (not normalized), a fraction of them exactly 0 but never all.</summary>
    public static double[] Weights(Random random, int length, double zeroFraction = 0.2)
    {
        var weights = new double[length];
        for (int i = 0; i < length; i++)
        {
            // Exponential weights give Dirichlet(1)-like vectors after normalization.
            weights[i] = random.NextDouble() < zeroFraction ? 0.0 : -Math.Log(1.0 - random.NextDouble());
        }
        if (weights.All(w => w == 0.0))
        {
            weights[random.Next(length)] = 1.0;
        }
        return weights;
    }

    /// <summary>Lengths from 1 to a few thousand, favoring the small ones where edge cases live.</summary>
    public static int Length(Random random) => random.Next(4) switch
    {
        0 => random.Next(1, 9),
        1 => random.Next(9, 40),
        2 => random.Next(40, 600),
        _ => random.Next(600, 2100),
    };

    public static double[] Normalized(double[] weights)
    {
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }
}

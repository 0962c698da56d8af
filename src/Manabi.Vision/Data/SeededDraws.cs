namespace Manabi.Vision.Data;

/// <summary>
/// Continuous draws from a seeded <see cref="Random"/>, which has no normal draw of its own: augmentations and batch
/// mixing take theirs from the batch's seeded stream, so that a resumed run repeats them.
/// </summary>
internal static class SeededDraws
{
    /// <summary>A standard normal draw (Box-Muller; two uniforms, in this order).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A uniform draw in [low, high).</summary>
    public static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();
}

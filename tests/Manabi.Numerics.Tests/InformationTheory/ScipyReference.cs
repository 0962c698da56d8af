namespace Manabi.Numerics.Tests.Divergences;

/// <summary>
/// Straightforward scalar transcriptions of scipy's definitions (entr, rel_entr, jensenshannon), against which the
/// vectorized kernels are checked entry by entry.
/// </summary>
internal static class ScipyReference
{
    public static double Entropy(double[] p)
    {
        double[] x = Normalize(p);
        return x.Sum(v => v > 0 ? -v * Math.Log(v) : 0.0);
    }

    public static double KullbackLeibler(double[] p, double[] q)
    {
        double[] x = Normalize(p);
        double[] y = Normalize(q);
        return x.Zip(y, RelativeEntropy).Sum();
    }

    public static double CrossEntropy(double[] p, double[] q)
    {
        double[] x = Normalize(p);
        double[] y = Normalize(q);
        return x.Zip(y, (a, b) => a == 0 ? 0.0 : b == 0 ? double.PositiveInfinity : -a * Math.Log(b)).Sum();
    }

    public static double JensenShannonDivergence(double[] p, double[] q)
    {
        double[] x = Normalize(p);
        double[] y = Normalize(q);
        double[] m = x.Zip(y, (a, b) => (a + b) / 2.0).ToArray();
        return (x.Zip(m, RelativeEntropy).Sum() + y.Zip(m, RelativeEntropy).Sum()) / 2.0;
    }

    private static double RelativeEntropy(double x, double y) =>
        x == 0 ? 0.0 : y == 0 ? double.PositiveInfinity : x * Math.Log(x / y);

    private static double[] Normalize(double[] values)
    {
        double sum = values.Sum();
        return values.Select(v => v / sum).ToArray();
    }
}

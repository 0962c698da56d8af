using System.Diagnostics;

namespace Manabi.Benchmarks.Compare;

/// <summary>Median-of-N timing after warm-up calls (three: enough for tiered JIT to reach optimized code).</summary>
public static class Stopwatches
{
    public static double Median(Action action, int repeats)
    {
        for (int i = 0; i < 3; i++)
        {
            action(); // warm-up: JIT tiering, page faults
        }
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return Median(times);
    }

    /// <summary>The median of samples (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> samples)
    {
        double[] sorted = [.. samples.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

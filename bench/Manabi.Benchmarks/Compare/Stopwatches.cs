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
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }
}

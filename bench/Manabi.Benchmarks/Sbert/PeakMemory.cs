namespace Manabi.Benchmarks.Sbert;

/// <summary>The process's peak resident set (VmHWM), which Linux lets a process reset so that phases can be measured apart.</summary>
public static class PeakMemory
{
    /// <summary>Resets the peak to the current resident set (writes 5 to /proc/self/clear_refs); false where unsupported.</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The peak resident set in MiB since the last reset (or process start).</summary>
    public static double PeakMiB()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return double.NaN;
    }
}

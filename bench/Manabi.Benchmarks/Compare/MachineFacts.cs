using System.Runtime.InteropServices;

namespace Manabi.Benchmarks.Compare;

/// <summary>The facts a benchmark figure needs next to it: date, CPU model, cores, runtime.</summary>
public static class MachineFacts
{
    public static string Describe() =>
        $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; CPU: {CpuModel()} ({Environment.ProcessorCount} logical cores); " +
        $"OS: {RuntimeInformation.OSDescription}; .NET {Environment.Version}";

    public static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            foreach (string line in File.ReadLines(cpuinfo))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

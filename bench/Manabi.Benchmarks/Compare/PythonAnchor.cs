using System.Diagnostics;
using System.Text.Json;

namespace Manabi.Benchmarks.Compare;

/// <summary>Runs a script of bench/anchors with Debian's python3 and parses its one-line JSON result.</summary>
public static class PythonAnchor
{
    public static string AnchorsFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "bench", "anchors");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
            throw new DirectoryNotFoundException("bench/anchors not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        // Debian's interpreter: it is the one with python3-numpy/scipy; a pyenv shim on PATH may lack them.
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AnchorsFolder, script));
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + python);
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr}");
        }
        string last = stdout.Trim().Split('\n')[^1];
        return JsonDocument.Parse(last).RootElement.Clone();
    }
}

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
        var start = StartInfo(script, arguments);
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
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

    /// <summary>Debian's python3 running <paramref name="script"/> of bench/anchors, its output redirected.</summary>
    internal static ProcessStartInfo StartInfo(string script, IEnumerable<string> arguments)
    {
        // Debian's interpreter: it is the one with python3-numpy/scipy; a pyenv shim on PATH may lack them.
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AnchorsFolder, script));
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        return start;
    }
}

/// <summary>
/// A long-lived anchor process in a serving mode (e.g. <c>numerics_anchor.py eigh-serve</c>): each <see cref="RunOnceAsync"/>
/// asks it for one timed run, so the harness can alternate its own runs with the peer's and let drift in the host's
/// speed hit both sides alike.
/// </summary>
public sealed class PythonAnchorServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string script;

    private PythonAnchorServer(Process process, string script)
    {
        this.process = process;
        this.script = script;
    }

    public static PythonAnchorServer Start(string script, params string[] arguments)
    {
        var start = PythonAnchor.StartInfo(script, arguments);
        start.RedirectStandardInput = true;
        return new PythonAnchorServer(Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName), script);
    }

    /// <summary>One timed run of the peer, in seconds; <paramref name="request"/> names what to run where the script serves several.</summary>
    public async Task<double> RunOnceAsync(string request = "run")
    {
        await process.StandardInput.WriteLineAsync(request);
        await process.StandardInput.FlushAsync();
        string? line = await process.StandardOutput.ReadLineAsync();
        return double.Parse(line ?? throw new InvalidOperationException($"{script} exited early"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="rounds"/> rounds of one timed Manabi run (<paramref name="ours"/>) and then one peer run of
    /// <paramref name="request"/>, with <paramref name="pause"/> before each side's run: the other side's idle worker
    /// threads spin for a while after their last parallel region and would take a core from the run that follows.
    /// </summary>
    public async Task<InterleavedTimes> AlternateAsync(Action ours, int rounds, TimeSpan pause, string request = "run")
    {
        ArgumentNullException.ThrowIfNull(ours);
        var oursTimes = new double[rounds];
        var theirTimes = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            await Task.Delay(pause);
            long start = Stopwatch.GetTimestamp();
            ours();
            oursTimes[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            await Task.Delay(pause);
            theirTimes[r] = await RunOnceAsync(request);
        }
        return new InterleavedTimes(oursTimes, theirTimes);
    }

    /// <summary>Ends the session and returns the anchor's summary line (versions, BLAS, checksum).</summary>
    public async Task<JsonElement> QuitAsync()
    {
        await process.StandardInput.WriteLineAsync("quit");
        await process.StandardInput.FlushAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode})");
        }
        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}

/// <summary>Seconds per run of both sides from <see cref="PythonAnchorServer.AlternateAsync"/>, round by round.</summary>
public sealed record InterleavedTimes(double[] Ours, double[] Theirs)
{
    /// <summary>Manabi's median seconds.</summary>
    public double OursMedian => Stopwatches.Median(Ours);

    /// <summary>The peer's median seconds.</summary>
    public double TheirsMedian => Stopwatches.Median(Theirs);

    /// <summary>"N interleaved rounds: per-round speed-up median X× (min Y×)", the speed-up of each round being peer time / Manabi time.</summary>
    public string Summary
    {
        get
        {
            double[] perRound = [.. Theirs.Zip(Ours, (t, o) => t / o)];
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{Ours.Length} interleaved rounds: per-round speed-up median {Stopwatches.Median(perRound):0.00}× (min {perRound.Min():0.00}×)");
        }
    }
}

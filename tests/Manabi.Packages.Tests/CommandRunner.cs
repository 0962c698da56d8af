using System.Diagnostics;
using System.Text;
using Xunit.Sdk;

namespace Manabi.Packages.Tests;

/// <summary>The outcome of one command: its exit code and its stdout and stderr interleaved.</summary>
public sealed record CommandResult(string Command, string WorkingDirectory, int ExitCode, string Output)
{
    /// <summary>The last lines of the output, enough to see why a build or a run failed.</summary>
    public string Tail(int characters = 6000) =>
        Output.Length <= characters ? Output : "…" + Output[^characters..];

    public string Describe() => $"`{Command}` in {WorkingDirectory} exited {ExitCode}; output tail:\n{Tail()}";
}

/// <summary>Runs commands (dotnet, bash, the built programs) for the consumer tests.</summary>
internal static class CommandRunner
{
    /// <summary>Runs a command and fails the test, showing the output's tail, unless it exits 0.</summary>
    public static CommandResult Run(string workingDirectory, string fileName, IEnumerable<string> arguments,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        CommandResult result = TryRun(workingDirectory, fileName, arguments, timeout, environment);
        if (result.ExitCode != 0)
        {
            throw new XunitException(result.Describe());
        }
        return result;
    }

    /// <summary>Runs a command and returns whatever it did.</summary>
    public static CommandResult TryRun(string workingDirectory, string fileName, IEnumerable<string> arguments,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // The test host runs inside `dotnet test`, whose MSBuild variables would steer the child builds towards the
        // repository's SDK state; a consumer starts from a clean shell.
        foreach (string key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("_MSBuild", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(key);
            }
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach ((string key, string value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        string command = fileName + " " + string.Join(' ', info.ArgumentList.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        TimeSpan limit = timeout ?? TimeSpan.FromMinutes(10);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output)
            {
                output.AppendLine($"(killed after {limit.TotalSeconds:F0} s)");
            }
            return new CommandResult(command, workingDirectory, -1, output.ToString());
        }
        process.WaitForExit(); // flushes the asynchronous readers
        lock (output)
        {
            return new CommandResult(command, workingDirectory, process.ExitCode, output.ToString());
        }
    }
}

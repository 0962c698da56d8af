using System.Diagnostics;

namespace Manabi.TestSupport;

/// <summary>
/// Runs a Node.js script of a test folder (the tokenizer oracle, the openai npm client) and returns what it printed; a
/// missing node, a timeout or a failing script is an exception that says which and how to install what is missing.
/// </summary>
public static class NodeScript
{
    /// <summary>Runs <c>node</c> with <paramref name="arguments"/> (the script first) in <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidOperationException">node is not installed, the script timed out or exited non-zero (with its stderr).</exception>
    public static string Run(string folder, IEnumerable<string> arguments, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        string script = start.ArgumentList.Count > 0 ? start.ArgumentList[0] : "";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"node is not installed ({e.Message}): run build/ensure-prerequisites.sh --tests.", e);
        }
        using (process)
        {
            // Both pipes drained at once, so a script that fills one cannot block on it.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"node {script} did not finish within {timeout.TotalSeconds:0} s");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {script} failed ({process.ExitCode}): {stderr.Result}");
            }
            return stdout.Result;
        }
    }
}

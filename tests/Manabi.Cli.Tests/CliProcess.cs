using System.Diagnostics;

namespace Manabi.Cli.Tests;

/// <summary>
/// The built manabi CLI as a child process, for what an in-process run cannot show: how it answers a signal.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public CliProcess(string workingDirectory, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        // env resets SIGINT/SIGTERM to their defaults: a test host started in the background of a non-interactive shell
        // ignores SIGINT, its children inherit that, and the runtime then leaves SIGINT ignored.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["--default-signal=INT,TERM", dotnet, Path.Combine(AppContext.BaseDirectory, "manabi.dll"), .. args])
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        _stdout = ReadAllAsync(_process.StandardOutput);
        _stderr = ReadAllAsync(_process.StandardError);
    }

    private readonly TaskCompletionSource _firstOutput = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<string> ReadAllAsync(StreamReader reader)
    {
        var text = new System.Text.StringBuilder();
        char[] buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            text.Append(buffer, 0, read);
            _firstOutput.TrySetResult();
        }
        return text.ToString();
    }

    /// <summary>
    /// Waits until the CLI has printed anything, on either stream: the long commands print a line as their work starts,
    /// which tells a test that the command's own signal handling is in place without guessing the start-up time.
    /// </summary>
    /// <returns>False when the process printed nothing within <paramref name="timeout"/> or exited silently.</returns>
    public bool WaitForOutput(TimeSpan timeout) => _firstOutput.Task.Wait(timeout);

    public bool HasExited => _process.HasExited;

    /// <summary>The CLI's process id (env execs dotnet, so it is the CLI's own).</summary>
    public int Id => _process.Id;

    /// <summary>Sends <paramref name="signal"/> (INT, TERM), the way a shell or a supervisor would.</summary>
    public void Signal(string signal)
    {
        // libc's kill, not kill(1): a sandboxed test host may not let a grandchild see its child. env execs dotnet,
        // so the child's id is the CLI's own.
        int number = signal switch
        {
            "INT" => 2,
            "TERM" => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "INT or TERM"),
        };
        if (NativeMethods.Kill(_process.Id, number) != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    public CliResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill();
            throw new TimeoutException($"manabi did not exit within {timeout}.");
        }
        _process.WaitForExit();
        return new CliResult(_process.ExitCode, _stdout.Result, _stderr.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}

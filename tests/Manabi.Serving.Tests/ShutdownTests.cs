using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Manabi.Serving.Tests;

/// <summary>The real <c>manabi serve</c> as a child process: its command line, and SIGTERM under load.</summary>
public sealed partial class ShutdownTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"listening on (http://\S+?)[ ,]")]
    private static partial Regex Listening();

    private sealed class ServeProcess : IDisposable
    {
        private readonly StringBuilder _stderr = new();
        private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ServeProcess(params string[] args)
        {
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            // env resets SIGTERM to its default, which a test host in the background of a shell may have set to ignored.
            var start = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in (string[])["--default-signal=INT,TERM", dotnet, Path.Combine(AppContext.BaseDirectory, "manabi.dll"), "serve", .. args])
            {
                start.ArgumentList.Add(arg);
            }
            Process = Process.Start(start)!;
            Process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    _address.TrySetException(new InvalidOperationException($"manabi serve ended before listening: {Stderr}"));
                    return;
                }
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
                if (Listening().Match(e.Data) is { Success: true } match)
                {
                    _address.TrySetResult(new Uri(match.Groups[1].Value + "/"));
                }
            };
            Process.OutputDataReceived += (_, _) => { };
            Process.BeginErrorReadLine();
            Process.BeginOutputReadLine();
        }

        public Process Process { get; }

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public Task<Uri> Address => _address.Task;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }
            Process.Dispose();
        }
    }

    [Fact]
    public async Task SigtermDuringLoadCompletesOrCleanlyRefusesEveryRequest()
    {
        using var serve = new ServeProcess("--model", ServingHost.TinyFolder, "--port", "0");
        var address = await serve.Address.WaitAsync(TimeSpan.FromSeconds(60));
        // A fresh connection per request, so that each one is either accepted and answered, or refused.
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var clock = Stopwatch.StartNew();
        while (!(await client.GetAsync("ready")).IsSuccessStatusCode)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"not ready: {serve.Stderr}");
            await Task.Delay(50);
        }
        // Every request ends in one of three ways: answered 200, refused by the draining server with 503 shutting_down,
        // or never read: a connection that meets the listener as it closes (refused, reset or closed before any response
        // byte). The last is TCP's race at a closing socket, which no server avoids; it may happen only after the
        // signal, and the drain phase must have answered the clients before the listener closed.
        int completed = 0, refusedByServer = 0, notAccepted = 0, completedAfterSignal = 0;
        var unclean = new System.Collections.Concurrent.ConcurrentBag<string>();
        long signalled = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 16).Select(async worker =>
        {
            string body = JsonSerializer.Serialize(new { input = Enumerable.Range(0, 8).Select(i => $"worker {worker} input {i} with a few words") });
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "v1/embeddings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.ConnectionClose = true;
                    using var response = await client.SendAsync(request);
                    string text = await response.Content.ReadAsStringAsync();
                    using var document = JsonDocument.Parse(text);
                    if (response.StatusCode == HttpStatusCode.OK && document.RootElement.GetProperty("data").GetArrayLength() == 8)
                    {
                        Interlocked.Increment(ref completed);
                        if (Interlocked.Read(ref signalled) != 0)
                        {
                            Interlocked.Increment(ref completedAfterSignal);
                        }
                    }
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && document.RootElement.GetProperty("error").GetProperty("code").GetString() == "shutting_down"
                        && response.Headers.RetryAfter is not null)
                    {
                        Interlocked.Increment(ref refusedByServer);
                    }
                    else
                    {
                        unclean.Add($"{(int)response.StatusCode}: {text}");
                    }
                }
                catch (HttpRequestException e) when (NeverRead(e) && Interlocked.Read(ref signalled) != 0)
                {
                    Interlocked.Increment(ref notAccepted);
                    await Task.Delay(20);
                }
                catch (Exception e)
                {
                    unclean.Add($"{(Interlocked.Read(ref signalled) != 0 ? "after" : "before")} the signal: {e.GetType().Name}: {e.Message} {(e as HttpRequestException)?.HttpRequestError}");
                }
            }
        }).ToList();
        await Task.Delay(1500);
        Assert.True(completed > 0, "no request completed before the signal");
        Interlocked.Exchange(ref signalled, 1);
        Assert.Equal(0, Kill(serve.Process.Id, 15));
        Assert.True(serve.Process.WaitForExit(30_000), $"manabi serve did not exit within 30 s of SIGTERM: {serve.Stderr}");
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load);
        string counts = $"{completed} completed ({completedAfterSignal} after the signal), {refusedByServer} refused with 503, {notAccepted} not accepted";
        Assert.Equal(0, serve.Process.ExitCode);
        Assert.Contains("stopped", serve.Stderr, StringComparison.Ordinal);
        Assert.True(unclean.IsEmpty, $"{unclean.Count} requests neither completed nor were cleanly refused, e.g. {unclean.FirstOrDefault()}; {counts}");
        Assert.True(refusedByServer > 0, $"the draining server answered no request with 503 shutting_down; {counts}");
        Assert.DoesNotContain("fail:", serve.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", serve.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A connection the server never read a request from: refused, reset, or closed before any response byte.</summary>
    private static bool NeverRead(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded
        || e.InnerException is IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset } }
        || e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionRefused };

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--max-client-batch-size", "0")]
    [InlineData("--max-concurrent-requests", "4")]
    [InlineData("--model", "/no/such/folder")]
    public void BadOptionsAreOneLineErrorsWithExitCode2(string option, string value)
    {
        using var serve = new ServeProcess(option, value);
        Assert.True(serve.Process.WaitForExit(60_000), "manabi serve did not exit");
        serve.Process.WaitForExit();
        Assert.Equal(2, serve.Process.ExitCode);
        string error = serve.Stderr.Trim();
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}

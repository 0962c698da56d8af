using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// SIGINT and SIGTERM at a random point of the long commands CancellationTests does not cover: exit code 130,
/// "Cancelled.", no stack trace, the inputs untouched, and nothing left (training commands may keep the checkpoint
/// they save on Ctrl-C, in their output folder, but no temporary file). The point is a seeded random delay after the
/// command's start-up (twice a trivial command's run time, measured first); the seed is in every failure message, and
/// MANABI_SIGNAL_SEED=N replays it.
/// </summary>
public sealed class RandomSignalTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(120);

    private static readonly string[] Words = ["cat", "dog", "house", "tree", "river", "stock", "market", "fell", "rose", "sharply", "quick", "brown", "fox", "lazy"];

    /// <summary>A long command: its arguments (relative to the scene), the latest signal delay in ms, and the folders it may leave a checkpoint in.</summary>
    private sealed record LongCommand(Func<FaultScene, string[]> Args, int WindowMs, params string[] CheckpointFolders);

    private static readonly Dictionary<string, LongCommand> Commands = new(StringComparer.Ordinal)
    {
        ["embed"] = new(s => ["embed", "--model", s.Fixture("sbert", "tiny-sbert"), "--input", s.Text("t.txt", Sentences(40_000, 12)), "--output", "e.jsonl"], 1000),
        ["search (index build)"] = new(s => ["search", "--model", s.Fixture("sbert", "tiny-sbert"), "--corpus", s.Text("c.txt", Sentences(40_000, 12)),
            "--query", "cat", "--index", "index"], 1000),
        ["wordpiece train"] = new(s => ["wordpiece", "train", "--input", .. Corpus(s), .. Corpus(s), .. Corpus(s),
            "--vocab-size", "30000", "--output", "tokenizer"], 1000),
        ["tokenizer train (unigram)"] = new(s => ["tokenizer", "train", "--model", "unigram", "--input", .. Corpus(s), .. Corpus(s),
            "--vocab-size", "16000", "--output", "tokenizer"], 1000),
        ["vectors convert --approx"] = new(s => ["vectors", "convert", "--input", s.Text("v.txt", Vectors(30_000)), "--output", "v.mvs", "--approx"], 2000),
        ["sbert train"] = new(s => ["sbert", "train", "--model", s.Fixture("sbert", "tiny-sbert"), "--train", s.Text("train.jsonl", Pairs(640)), "--loss", "cosine",
            "--epochs", "1", "--batch-size", "16", "--output", "model"], 2000, "model", "model.checkpoints"),
        ["vision train"] = new(s => ["vision", "train", "--model", "resnet18-tiny", "--data", Images(s), "--output", "run", "--epochs", "50", "--batch-size", "8", "--threads", "1"],
            2000, "run"),
    };

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string command in Commands.Keys)
            {
                data.Add(command, "INT");
                data.Add(command, "TERM");
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_signal_at_a_random_point_cancels_cleanly(string command, string signal)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("MANABI_SIGNAL_SEED"), CultureInfo.InvariantCulture, out int fixedSeed)
            ? fixedSeed : Random.Shared.Next();
        var spec = Commands[command];
        int delay = new Random(seed).Next(spec.WindowMs);
        string replay = $"seed {seed} (delay {delay} ms; replay with MANABI_SIGNAL_SEED={seed})";
        output.WriteLine(replay);

        using var scene = new FaultScene();
        string[] args = spec.Args(scene);
        var before = scene.Snapshot();
        _ = StartupTime.Value;
        var sinceStart = System.Diagnostics.Stopwatch.StartNew();
        using var cli = new CliProcess(scene.Root, args);
        WaitUntilRunning(cli, sinceStart, replay);
        Thread.Sleep(delay);
        if (cli.HasExited)
        {
            Assert.Fail($"{command} finished before the signal (start-up allowance {StartupTime.Value.TotalMilliseconds:0} ms); its input is too small for the window: {replay}\n{cli.WaitForExit(ExitTimeout)}");
        }
        cli.Signal(signal);
        var result = cli.WaitForExit(ExitTimeout);

        string context = $"SIG{signal} to {command}, {replay}\n{result}";
        Assert.True(result.ExitCode == ExitCodes.Interrupted, $"expected exit 130: {context}");
        Assert.True(result.Stderr.Contains("Cancelled.", StringComparison.Ordinal), $"no 'Cancelled.': {context}");
        Assert.False(result.Stderr.Contains("   at ", StringComparison.Ordinal), $"stack trace: {context}");
        var after = scene.Snapshot();
        foreach (var (path, hash) in before)
        {
            Assert.True(after.TryGetValue(path, out string? now) && now == hash, $"input {path} changed or vanished: {context}");
        }
        string[] added = [.. after.Keys.Except(before.Keys, StringComparer.Ordinal)];
        string[] stray = [.. added.Where(p => p.Contains(".tmp", StringComparison.Ordinal)
            || !spec.CheckpointFolders.Any(f => p == f || p.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal)))];
        Assert.True(stray.Length == 0, $"left behind: [{string.Join(", ", stray)}]: {context}");
    }

    /// <summary>
    /// How long a trivial command takes from process start to exit here (runtime start, command tree, parse, action),
    /// measured twice and doubled: a signal later than that reaches the command's own handler, not the runtime's default.
    /// </summary>
    private static readonly Lazy<TimeSpan> StartupTime = new(() =>
    {
        var longest = TimeSpan.Zero;
        for (int i = 0; i < 2; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var cli = new CliProcess(Path.GetTempPath(), "info", "entropy", "--p", "0.5,0.5");
            var result = cli.WaitForExit(ExitTimeout);
            Assert.True(result.ExitCode == 0, $"calibration run failed: {result}");
            longest = clock.Elapsed > longest ? clock.Elapsed : longest;
        }
        return longest * 2;
    });

    /// <summary>Waits until the command is past its start-up, where the process's own signal handlers are in place.</summary>
    private static void WaitUntilRunning(CliProcess cli, System.Diagnostics.Stopwatch sinceStart, string replay)
    {
        var remaining = StartupTime.Value - sinceStart.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(remaining);
        }
        if (cli.HasExited)
        {
            Assert.Fail($"manabi exited during its start-up ({StartupTime.Value.TotalMilliseconds:0} ms): {cli.WaitForExit(ExitTimeout)}; {replay}");
        }
    }

    /// <summary>The repository's text corpus (data/corpus), read in place.</summary>
    private static string[] Corpus(FaultScene s) =>
        [.. Directory.GetFiles(s.Shared(Path.Combine(Manabi.TestSupport.Fixtures.RepositoryRoot, "data", "corpus"))).Order(StringComparer.Ordinal)];

    private static string Sentences(int count, int words)
    {
        var random = new Random(1);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < words; j++)
            {
                text.Append(Words[random.Next(Words.Length)]).Append(j + 1 < words ? ' ' : '\n');
            }
        }
        return text.ToString();
    }

    private static string Pairs(int count)
    {
        var random = new Random(2);
        var text = new StringBuilder();
        string Sentence() => string.Join(' ', Enumerable.Range(0, 8).Select(_ => Words[random.Next(Words.Length)]));
        for (int i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{{\"anchor\": \"{Sentence()}\", \"positive\": \"{Sentence()}\", \"score\": {random.NextDouble():0.###}}}\n");
        }
        return text.ToString();
    }

    private static string Vectors(int count)
    {
        var random = new Random(3);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{count} 32\n"));
        for (int i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"w{i}");
            for (int j = 0; j < 32; j++)
            {
                text.Append(' ').Append((random.NextDouble() * 2 - 1).ToString("0.0000", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Images(FaultScene s)
    {
        string root = s.PathOf("images");
        VisionCommandTests.WriteImageFolder(root, 8, 16);
        return root;
    }
}

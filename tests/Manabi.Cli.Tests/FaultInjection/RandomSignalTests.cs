using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// SIGINT and SIGTERM at a random point of the long commands CancellationTests does not cover: exit code 130,
/// "Cancelled.", no stack trace, the inputs untouched, and nothing left (training commands may keep the checkpoint
/// they save on Ctrl-C, in their output folder, but no temporary file). The point is a seeded random delay after the
/// first line the command prints as its work starts; the seed is in every failure message, and MANABI_SIGNAL_SEED=N
/// replays it.
/// </summary>
public sealed class RandomSignalTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(120);

    private static readonly string[] Words = ["cat", "dog", "house", "tree", "river", "stock", "market", "fell", "rose", "sharply", "quick", "brown", "fox", "lazy"];

    /// <summary>
    /// A long command: its arguments (relative to the scene), the latest signal delay in ms after its work starts, and
    /// the folders it may leave a checkpoint in. Each window is at most a third of the work's length on the fastest
    /// machine seen (a signal that lands as the process exits after finishing cannot be answered with "Cancelled.").
    /// </summary>
    private sealed record LongCommand(Func<FaultScene, string[]> Args, int WindowMs, params string[] CheckpointFolders);

    private static readonly Dictionary<string, LongCommand> Commands = new(StringComparer.Ordinal)
    {
        ["embed"] = new(s => ["embed", "--model", s.Fixture("sbert", "tiny-sbert"), "--input", s.Text("t.txt", Sentences(40_000, 12)), "--output", "e.jsonl"], 400),
        ["search (index build)"] = new(s => ["search", "--model", s.Fixture("sbert", "tiny-sbert"), "--corpus", s.Text("c.txt", Sentences(40_000, 12)),
            "--query", "cat", "--index", "index"], 400),
        ["wordpiece train"] = new(s => ["wordpiece", "train", "--input", .. Corpus(s), .. Corpus(s), .. Corpus(s),
            "--vocab-size", "30000", "--output", "tokenizer"], 600),
        ["tokenizer train (unigram)"] = new(s => ["tokenizer", "train", "--model", "unigram", "--input", .. Corpus(s), .. Corpus(s),
            "--vocab-size", "16000", "--output", "tokenizer"], 400),
        ["vectors convert --approx"] = new(s => ["vectors", "convert", "--input", s.Text("v.txt", Vectors(60_000)), "--output", "v.mvs", "--approx"], 600),
        ["sbert train"] = new(s => ["sbert", "train", "--model", s.Fixture("sbert", "tiny-sbert"), "--train", s.Text("train.jsonl", Pairs(1920)), "--loss", "cosine",
            "--epochs", "1", "--batch-size", "16", "--output", "model"], 600, "model", "model.checkpoints"),
        ["vision train"] = new(s => ["vision", "train", "--model", "resnet18-tiny", "--data", Images(s), "--output", "run", "--epochs", "200", "--batch-size", "8", "--threads", "1"],
            600, "run"),
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
        string replay = $"seed {seed} (delay {delay} ms after the work starts; replay with MANABI_SIGNAL_SEED={seed})";
        output.WriteLine(replay);
        if (SignalDuringWork(command, signal, spec, delay, replay))
        {
            return;
        }
        // A fast machine can finish the work inside the window. The signal then goes again as the work starts, which
        // is still a signal in the middle of the work; the case fails only if even that comes too late.
        output.WriteLine($"{command} finished within {delay} ms of starting its work; again, with the signal as the work starts");
        Assert.True(SignalDuringWork(command, signal, spec, 0, replay),
            $"{command} finished before a signal sent as its work started; its input is too small: {replay}");
    }

    /// <summary>
    /// After the first line the command prints (its work has started, so its own signal handling is in place), waits
    /// <see cref="Settle"/> plus <paramref name="delay"/> ms and signals it. Returns false when the command had already
    /// finished successfully; any other early exit fails the test.
    /// </summary>
    private bool SignalDuringWork(string command, string signal, LongCommand spec, int delay, string replay)
    {
        using var scene = new FaultScene();
        string[] args = spec.Args(scene);
        var before = scene.Snapshot();
        using var cli = new CliProcess(scene.Root, args);
        if (!cli.WaitForOutput(ExitTimeout))
        {
            Assert.Fail($"{command} printed nothing within {ExitTimeout.TotalSeconds:0} s; a long command must report that its work started: {replay}");
        }
        Thread.Sleep(Settle + TimeSpan.FromMilliseconds(delay));
        if (cli.HasExited)
        {
            var early = cli.WaitForExit(ExitTimeout);
            Assert.True(early.ExitCode == 0, $"{command} failed before the signal: {replay}\n{early}");
            return false;
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
        return true;
    }

    /// <summary>
    /// Time between a command's first line and the signal at the least. System.CommandLine installs its handler once
    /// the action has returned its task, which a thread-pool body's first line can precede by a scheduling slice.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

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

using System.Globalization;
using System.Text;

namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// Every command that writes, with its output on a full or a read-only file system (a small tmpfs): exit code 2, a
/// message naming the output option, no stack trace, nothing left on that file system, and the inputs untouched.
/// </summary>
public sealed class SmallDiskTests
{
    /// <summary>A writing command: its arguments for inputs in <c>input</c> and outputs under <c>output</c>, and the option naming the output.</summary>
    private sealed record Writer(string Option, Func<FaultScene, string, string[]> Args, long LeaveFree = 0);

    private static readonly Dictionary<string, Writer> Writers = new(StringComparer.Ordinal)
    {
        ["pca --transform"] = new("--transform", (s, o) =>
            ["pca", "--input", s.Text("x.csv", Rows(5000, i => $"{i},{i % 7}")), "--components", "1", "--transform", Path.Combine(o, "t.csv")]),
        ["tokenize"] = new("--output", (s, o) =>
            ["tokenize", "--vocab", s.Fixture("tokenizer", "bert-uncased-vocab.txt"), "--input", s.Text("in.txt", Rows(300, i => $"line {i} of the quick brown fox")),
                "--output", Path.Combine(o, "out.jsonl")]),
        // 24 KiB free: vocab.txt fits, tokenizer.json does not, and neither may be left.
        ["wordpiece train"] = new("--output", (s, o) =>
            ["wordpiece", "train", "--input", s.Fixture("tokenizer", "heldout.txt"), "--vocab-size", "2000", "--output", Path.Combine(o, "tokenizer")], LeaveFree: 24 << 10),
        // Trained first, then refused at the write (full) or before training (read-only); the folder it made is removed.
        ["tokenizer train"] = new("--output", (s, o) =>
            ["tokenizer", "train", "--model", "bpe", "--input", s.Fixture("tokenizer", "heldout.txt"), "--vocab-size", "2000", "--output", Path.Combine(o, "tokenizer")]),
        ["vectors convert"] = new("--output", (s, o) => ["vectors", "convert", "--input", s.Text("v.txt", Vectors(300)), "--output", Path.Combine(o, "v.mvs")]),
        ["vectors query"] = new("--output", (s, o) =>
            ["vectors", "query", "--store", Store(s), "--input", s.Text("keys.txt", Rows(300, i => $"w{i}")), "--output", Path.Combine(o, "q.jsonl")]),
        ["embed"] = new("--output", (s, o) =>
            ["embed", "--model", s.Fixture("sbert", "tiny-sbert"), "--input", s.Text("t.txt", Rows(100, i => $"sentence number {i}")), "--output", Path.Combine(o, "e.jsonl")]),
        ["search --index"] = new("--index", (s, o) =>
            ["search", "--corpus", s.Text("c.txt", Rows(100, i => $"sentence number {i}")), "--query", "number", "--index", Path.Combine(o, "index"),
                "--model", s.Fixture("sbert", "tiny-sbert")]),
        ["sbert train"] = new("--output", (s, o) =>
            ["sbert", "train", "--model", s.Fixture("sbert", "tiny-sbert"), "--train",
                s.Text("train.jsonl", "{\"anchor\": \"a cat\", \"positive\": \"a kitten\", \"score\": 0.9}\n{\"anchor\": \"a car\", \"positive\": \"a dog\", \"score\": 0.1}\n"),
                "--loss", "cosine", "--epochs", "1", "--batch-size", "2", "--output", Path.Combine(o, "model")]),
        ["vision train"] = new("--output", (s, o) =>
            ["vision", "train", "--model", "resnet18-tiny", "--data", Images(s), "--output", Path.Combine(o, "run"), "--epochs", "1", "--batch-size", "4", "--threads", "1"]),
        ["vision explain"] = new("--output", (s, o) =>
            ["vision", "explain", "--checkpoint", s.Shared(TrainedRuns.VisionRun), "--count", "8", "--output", Path.Combine(o, "grid.png")]),
        ["siamese train"] = new("--output", (s, o) =>
            ["siamese", "train", "--data", Images(s), "--classes", "0-1", "--encoder", "resnet18-tiny", "--loss", "triplet", "--epochs", "1",
                "--images-per-class", "2", "--threads", "1", "--output", Path.Combine(o, "run")]),
        ["embeddings report"] = new("--output", (s, o) =>
            ["embeddings", "report", "--checkpoint", s.Shared(TrainedRuns.SiameseRun), "--count", "16", "--output", Path.Combine(o, "report")]),
    };

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string command in Writers.Keys)
            {
                data.Add(command, "full");
                data.Add(command, "read-only");
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_that_cannot_be_written_is_refused_and_leaves_nothing(string command, string disk)
    {
        var writer = Writers[command];
        using var scene = new FaultScene();
        using var tmpfs = new SmallTmpfs(1 << 20);
        string[] args = writer.Args(scene, tmpfs.Path);
        if (disk == "full")
        {
            tmpfs.Fill(writer.LeaveFree);
        }
        else
        {
            tmpfs.MakeReadOnly();
        }
        var inputs = scene.Snapshot();
        var onDisk = tmpfs.Entries();

        var result = CliRunner.Run(args);

        string context = $"{command} on a {disk} file system\nmanabi {string.Join(' ', args)}\n{result}";
        Assert.True(result.ExitCode == ExitCodes.BadInput, $"expected exit 2: {context}");
        Assert.True(result.Stderr.Contains(writer.Option, StringComparison.Ordinal), $"stderr does not name {writer.Option}: {context}");
        Assert.True(!result.Stderr.Contains("   at ", StringComparison.Ordinal) && !result.Stderr.Contains("Unhandled exception", StringComparison.Ordinal),
            $"stack trace in stderr: {context}");
        Assert.True(onDisk.SequenceEqual(tmpfs.Entries()), $"left on the file system: [{string.Join(", ", tmpfs.Entries())}]: {context}");
        Assert.True(inputs.SequenceEqual(scene.Snapshot()), $"an input changed: {context}");
    }

    private static string Rows(int count, Func<int, string> row)
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Append(row(i)).Append('\n');
        }
        return text.ToString();
    }

    private static string Vectors(int count) =>
        $"{count} 16\n" + Rows(count, i => $"w{i} " + string.Join(' ', Enumerable.Range(0, 16).Select(j => ((i * 31 + j * 17) % 97 / 97.0 - 0.5).ToString("R", CultureInfo.InvariantCulture))));

    private static string Store(FaultScene s)
    {
        string store = s.PathOf("v.mvs");
        var result = CliRunner.Run("vectors", "convert", "--input", s.Text("v.txt", Vectors(300)), "--output", store);
        return result.ExitCode == 0 ? store : throw new InvalidOperationException(result.ToString());
    }

    private static string Images(FaultScene s)
    {
        string root = s.PathOf("images");
        VisionCommandTests.WriteImageFolder(root, 8, 2);
        return root;
    }
}

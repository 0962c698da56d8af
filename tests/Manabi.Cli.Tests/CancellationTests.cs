using System.Globalization;
using System.Text;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM during a long command: "Cancelled.", exit code 130, and no file left beside the target,
/// neither the target nor its temporary file. The commands run as child processes so that the signals are real.
/// </summary>
public sealed class CancellationTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void Tokenize_is_cancelled_by_a_signal_and_leaves_nothing(string signal)
    {
        using var folder = new TempFolder();
        string[] words = ["the", "quick", "brown", "fox", "tokenization", "unbelievable", "international", "café", "naïve", "jumps"];
        var text = new StringBuilder();
        for (int i = 0; i < 200_000; i++)
        {
            for (int j = 0; j < 30; j++)
            {
                text.Append(words[(i * 7 + j * 3) % words.Length]).Append(' ');
            }
            text.Append('\n');
        }
        folder.File("in.txt", text.ToString());
        AssertCancelled(folder, signal, "out.jsonl",
            "tokenize", "--vocab", Fixtures.Path("tokenizer", "bert-uncased-vocab.txt"), "--input", "in.txt", "--output", "out.jsonl");
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void Vectors_query_is_cancelled_by_a_signal_and_leaves_nothing(string signal)
    {
        using var folder = new TempFolder();
        WriteVectors(folder, "v.txt", count: 2000);
        var convert = CliRunner.Run("vectors", "convert", "--input", folder.PathOf("v.txt"), "--output", folder.PathOf("v.mvs"));
        Assert.True(convert.ExitCode == 0, convert.ToString());
        // Unknown keys take the slow path: their vectors are built from character n-grams.
        folder.File("keys.txt", string.Concat(Enumerable.Range(0, 300_000).Select(i => string.Create(CultureInfo.InvariantCulture, $"k{i}x\n"))));
        AssertCancelled(folder, signal, "q.jsonl", "vectors", "query", "--store", "v.mvs", "--input", "keys.txt", "--output", "q.jsonl");
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void Vectors_convert_to_a_pipe_is_cancelled_by_a_signal_and_leaves_nothing(string signal)
    {
        using var folder = new TempFolder();
        WriteVectors(folder, "v.txt", count: 50_000);
        // Output redirected, so convert takes its plain-progress path, the one that ran synchronously.
        AssertCancelled(folder, signal, "v.mvs", "vectors", "convert", "--input", "v.txt", "--output", "v.mvs", "--approx");
    }

    private static void AssertCancelled(TempFolder folder, string signal, string target, params string[] args)
    {
        var before = Files(folder).ToHashSet();
        using var cli = new CliProcess(folder.Path, args);
        // Signalled once it writes its output, when the temporary file beside the target appears.
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!Files(folder).Any(f => !before.Contains(f)))
        {
            if (cli.HasExited)
            {
                Assert.Fail($"manabi exited before writing anything: {cli.WaitForExit(ExitTimeout)}");
            }
            Assert.True(DateTime.UtcNow < deadline, "manabi did not start writing its output in time.");
            Thread.Sleep(20);
        }
        cli.Signal(signal);
        var result = cli.WaitForExit(ExitTimeout);
        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        Assert.Contains("Cancelled.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.PathOf(target)), $"{target} was written: {result}");
        Assert.Equal(before.Order(StringComparer.Ordinal), Files(folder).Order(StringComparer.Ordinal));
    }

    // Hidden files included: the temporary output is a dot file.
    private static IEnumerable<string> Files(TempFolder folder) =>
        Directory.EnumerateFileSystemEntries(folder.Path, "*", new EnumerationOptions { AttributesToSkip = 0 }).Select(f => Path.GetFileName(f));

    private static void WriteVectors(TempFolder folder, string name, int count)
    {
        const int Dimensions = 32;
        var random = new Random(1);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{count} {Dimensions}\n"));
        for (int i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"w{i}");
            for (int j = 0; j < Dimensions; j++)
            {
                text.Append(' ').Append((random.NextDouble() * 2 - 1).ToString("0.0000", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        folder.File(name, text.ToString());
    }
}

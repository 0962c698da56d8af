using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary><c>manabi search --store</c> and <c>manabi store info|delete</c> (Manabi.VectorData).</summary>
public sealed class StoreCommandTests
{
    private static string TinyModel => Fixtures.Path("sbert", "tiny-sbert");

    [Fact]
    public void Search_builds_a_store_collection_once_then_reuses_it_and_store_commands_manage_it()
    {
        using var folder = new TempFolder();
        string corpus = folder.File("corpus.txt", "The cat sleeps on the sofa.\n\nStocks fell sharply today.\nA kitten naps on the couch.\nThe train was late.\n");
        string store = folder.PathOf("store");
        var first = CliRunner.Run("search", "--corpus", corpus, "--query", "The cat sleeps on the sofa.", "--top", "2", "--store", store, "--model", TinyModel);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("Built the collection", first.Stderr);
        string[] hits = first.Stdout.Trim().Split('\n');
        Assert.Equal(2, hits.Length);
        Assert.Equal(["1.0000", "1", "The cat sleeps on the sofa."], hits[0].Split('\t'));

        var second = CliRunner.Run("search", "--corpus", corpus, "--query", "The train was late.", "--top", "1", "--store", store, "--model", TinyModel);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("Reusing the collection", second.Stderr);
        Assert.Equal(["1.0000", "5", "The train was late."], second.Stdout.Trim().Split('\t'));

        var info = CliRunner.Run("store", "info", store);
        Assert.True(info.ExitCode == 0, info.Stderr);
        string[] lines = info.Stdout.Trim().Split('\n');
        Assert.Equal("collections: 1", lines[1]);
        string[] collection = lines[2].Split('\t');
        Assert.StartsWith("corpus-", collection[0], StringComparison.Ordinal);
        Assert.Equal("4", collection[1]);

        var missing = CliRunner.Run("store", "delete", store, "--collection", "nope");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: --collection nope", missing.Stderr.Trim(), StringComparison.Ordinal);
        var deleted = CliRunner.Run("store", "delete", store, "--collection", collection[0]);
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Contains("collections: 0", CliRunner.Run("store", "info", store).Stdout);

        var all = CliRunner.Run("store", "delete", store);
        Assert.True(all.ExitCode == 0, all.Stderr);
        Assert.False(Directory.Exists(store));
    }

    [Fact]
    public void Store_commands_on_a_folder_without_a_store_exit_2_with_one_line()
    {
        using var folder = new TempFolder();
        foreach (string[] args in new[] { new[] { "store", "info", folder.Path }, new[] { "store", "delete", folder.PathOf("absent") } })
        {
            var result = CliRunner.Run(args);
            Assert.Equal(2, result.ExitCode);
            string error = result.Stderr.Trim();
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
            Assert.Contains("not a vector store", error, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error);
        }
        string corpus = folder.File("corpus.txt", "one\ntwo\n");
        var both = CliRunner.Run("search", "--corpus", corpus, "--query", "x", "--store", folder.PathOf("s"), "--index", folder.PathOf("i"), "--model", TinyModel);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--store and --index", both.Stderr);
    }
}

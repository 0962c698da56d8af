using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>
/// An output that cannot be written (a folder, a path under a regular file, an empty path) is bad input: one line
/// "error: OPTION: PATH: ..." and exit code 2, no stack trace, and no file left behind, for every command that writes.
/// </summary>
public sealed class UnwritableOutputTests
{
    private static readonly string Vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");
    private static readonly string TinyModel = Fixtures.Path("sbert", "tiny-sbert");

    /// <summary>The output paths that cannot be written: an existing folder, and a path under a regular file.</summary>
    public static TheoryData<string> Unwritable => new() { "folder", "under-file" };

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Pca_transform(string kind)
    {
        using var folder = new TempFolder();
        string input = folder.File("x.csv", "x,y\n-2,-4\n-1,-2\n0,0\n1,2\n2,4\n");
        AssertRefused(folder, kind, "--transform", path => ["pca", "--input", input, "--components", "1", "--header", "--transform", path]);
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Tokenize(string kind)
    {
        using var folder = new TempFolder();
        string input = folder.File("in.txt", "hello world\n");
        AssertRefused(folder, kind, "--output", path => ["tokenize", "--vocab", Vocab, "--input", input, "--output", path]);
    }

    [Fact]
    public void Tokenize_to_an_empty_path()
    {
        using var folder = new TempFolder();
        string input = folder.File("in.txt", "hello world\n");
        var result = CliRunner.Run("tokenize", "--vocab", Vocab, "--input", input, "--output", "");
        AssertOneLineError(result, "--output");
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Vectors_query(string kind)
    {
        using var folder = new TempFolder();
        string source = folder.File("v.txt", "2 3\na 1 0 0\nb 0 1 0\n");
        string store = folder.PathOf("v.mvs");
        var convert = CliRunner.Run("vectors", "convert", "--input", source, "--output", store);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        string keys = folder.File("keys.txt", "a\nzz\n");
        AssertRefused(folder, kind, "--output", path => ["vectors", "query", "--store", store, "--input", keys, "--output", path]);
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Embed(string kind)
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.txt", "A cat sleeps.\nStocks fell.\n");
        AssertRefused(folder, kind, "--output", path => ["embed", "--model", TinyModel, "--input", input, "--output", path]);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("under-file")]
    public void Search_index(string kind)
    {
        // --index names a folder, so the unwritable ones are a regular file and a path under one.
        using var folder = new TempFolder();
        string corpus = folder.File("corpus.txt", "A cat sleeps on the sofa.\nStocks fell sharply.\n");
        string blocker = folder.File("blocker", "not a folder");
        string index = kind == "file" ? blocker : Path.Combine(blocker, "index");
        var before = Listing(folder);
        var result = CliRunner.Run("search", "--corpus", corpus, "--query", "cat", "--index", index, "--model", TinyModel);
        AssertOneLineError(result, "--index");
        Assert.Equal(before, Listing(folder));
    }

    [Fact]
    public void Vision_explain()
    {
        // The cheapest checkpoint there is: one epoch of the small ResNet on sixteen 8x8 images.
        using var folder = new TempFolder();
        VisionCommandTests.WriteImageFolder(folder.PathOf("images"), size: 8, perClass: 4);
        string run = folder.PathOf("run");
        var train = CliRunner.Run("vision", "train", "--model", "resnet18-small", "--data", folder.PathOf("images"), "--output", run,
            "--epochs", "1", "--batch-size", "8", "--threads", "1");
        Assert.True(train.ExitCode == 0, train.ToString());
        foreach (string kind in (string[])["folder", "under-file"])
        {
            AssertRefused(folder, kind, "--output", path => ["vision", "explain", "--checkpoint", run, "--count", "2", "--output", path], ".png");
        }
    }

    private static void AssertRefused(TempFolder folder, string kind, string option, Func<string, string[]> args, string extension = ".out")
    {
        string blocker = folder.File("blocker", "a regular file");
        string path = kind == "folder" ? Directory.CreateDirectory(folder.PathOf("already-a-folder" + extension)).FullName : Path.Combine(blocker, "out" + extension);
        var before = Listing(folder);
        var result = CliRunner.Run(args(path));
        AssertOneLineError(result, option);
        Assert.Contains(path, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Listing(folder));
    }

    private static void AssertOneLineError(CliResult result, string option)
    {
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.StartsWith($"error: {option}: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }

    private static string[] Listing(TempFolder folder) =>
        [.. Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}

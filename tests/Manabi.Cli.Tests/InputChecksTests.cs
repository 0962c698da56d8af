using System.Security.Cryptography;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>
/// Bad inputs the reliability issue found accepted or misreported: each must exit 2 with a message naming the option or
/// file, without a stack trace, and leave the input as it was.
/// </summary>
public sealed class InputChecksTests
{
    private static readonly string Vocab = Fixtures.Path("tokenizer", "bert-uncased-vocab.txt");

    private const string TextVectors = "3 4\nthe 0.418 0.24968 -0.41242 0.1217\nof 0.70853 0.57088 -0.4716 0.18048\nand 0.26818 0.14346 -0.27877 0.016257\n";

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Runs the command and checks exit 2, a message with every one of <paramref name="named"/>, no stack trace, input unchanged.</summary>
    private static CliResult AssertBadInput(string input, string[] args, params string[] named)
    {
        string before = Hash(input);
        var result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        foreach (string name in named)
        {
            Assert.Contains(name, result.Stderr, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Hash(input));
        return result;
    }

    [Fact]
    public void VectorsConvertOutputEqualToInputIsRefused()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.vec", TextVectors);
        AssertBadInput(input, ["vectors", "convert", "--input", input, "--output", input], "--input", "--output", input);
    }

    [Fact]
    public void SameFileUnderAnotherPathIsRefused()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.vec", TextVectors);
        // The same file through "./", a relative path and a symbolic link: the paths differ, the file does not.
        string dotted = Path.Combine(folder.Path, ".", "x.vec");
        AssertBadInput(input, ["vectors", "convert", "--input", input, "--output", dotted], "--input", "--output");
        string link = folder.PathOf("link.vec");
        File.CreateSymbolicLink(link, input);
        AssertBadInput(input, ["vectors", "convert", "--input", input, "--output", link], "--input", "--output");
        AssertBadInput(input, ["vectors", "convert", "--input", link, "--output", input], "--input", "--output");
    }

    [Fact]
    public void VectorsQueryOutputEqualToInputOrStoreIsRefused()
    {
        using var folder = new TempFolder();
        string vec = folder.File("x.vec", TextVectors);
        string store = folder.PathOf("x.mvs");
        Assert.Equal(0, CliRunner.Run("vectors", "convert", "--input", vec, "--output", store).ExitCode);
        string keys = folder.File("keys.txt", "the\nof\n");
        AssertBadInput(keys, ["vectors", "query", "--store", store, "--input", keys, "--output", keys], "--input", "--output");
        AssertBadInput(store, ["vectors", "query", "--store", store, "--input", keys, "--output", store], "--store", "--output");
    }

    [Fact]
    public void TokenizeOutputEqualToInputOrVocabIsRefused()
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.txt", "hello world\n");
        AssertBadInput(input, ["tokenize", "--vocab", Vocab, "--input", input, "--output", input], "--input", "--output");
        string vocab = folder.File("vocab.txt", File.ReadAllText(Vocab));
        AssertBadInput(vocab, ["tokenize", "--vocab", vocab, "--input", input, "--output", vocab], "--vocab", "--output");
    }

    [Fact]
    public void PcaTransformEqualToInputIsRefused()
    {
        using var folder = new TempFolder();
        string input = folder.File("data.csv", "1,2\n3,5\n4,4\n");
        AssertBadInput(input, ["pca", "--input", input, "--components", "1", "--transform", input], "--input", "--transform");
    }

    [Fact]
    public void EmbedOutputEqualToInputIsRefusedBeforeTheModelLoads()
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.txt", "hello\n");
        AssertBadInput(input, ["embed", "--model", folder.PathOf("no-model"), "--input", input, "--output", input], "--input", "--output");
    }

    [Fact]
    public void WordPieceTrainMayNotWriteOverItsInputButMayReadFromItsFolder()
    {
        using var folder = new TempFolder();
        string output = folder.PathOf("out");
        Directory.CreateDirectory(output);
        string vocabInput = Path.Combine(output, "vocab.txt");
        File.WriteAllText(vocabInput, "hello world\nhello there\n");
        AssertBadInput(vocabInput, ["wordpiece", "train", "--input", vocabInput, "--vocab-size", "30", "--output", output], "--input", "--output");

        string corpus = Path.Combine(output, "corpus.txt");
        File.WriteAllText(corpus, "hello world\nhello there\n");
        string before = Hash(corpus);
        var result = CliRunner.Run("wordpiece", "train", "--input", corpus, "--vocab-size", "30", "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(before, Hash(corpus));
    }

    [Fact]
    public void TokenizeMaxLengthZeroNamesMaxLengthNotStride()
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.txt", "hello world\n");
        var result = AssertBadInput(input, ["tokenize", "--vocab", Vocab, "--max-length", "0", "--input", input, "--output", folder.PathOf("out.jsonl")],
            "--max-length");
        Assert.DoesNotContain("--stride", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.PathOf("out.jsonl")));
    }

    [Fact]
    public void TokenizeStrideTooLargeNamesStride()
    {
        using var folder = new TempFolder();
        string input = folder.File("texts.txt", "hello world\n");
        AssertBadInput(input, ["tokenize", "--vocab", Vocab, "--max-length", "6", "--stride", "5", "--input", input, "--output", folder.PathOf("out.jsonl")],
            "--stride");
    }

    [Fact]
    public void Word2VecBinaryFormatOnATextFileIsAFormatError()
    {
        using var folder = new TempFolder();
        string input = folder.File("x.vec", TextVectors);
        string output = folder.PathOf("x.mvs");
        AssertBadInput(input, ["vectors", "convert", "--input", input, "--output", output, "--format", "word2vec-binary"], input + ":");
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("1.5")]
    [InlineData("2.5")]
    public void InfoBaseOutsideEOr2Or10IsRefused(string logBase)
    {
        var result = CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--base", logBase);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--base", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("e (nats), 2 (bits) or 10", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("e")]
    [InlineData("2")]
    [InlineData("10")]
    [InlineData("bits")]
    [InlineData("nats")]
    public void InfoDocumentedBasesStillWork(string logBase) =>
        Assert.Equal(0, CliRunner.Run("info", "entropy", "--p", "0.5,0.5", "--base", logBase).ExitCode);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EigOfHugeEntriesGivesTheTrueEigenvaluesNotNaN(bool symmetric)
    {
        using var folder = new TempFolder();
        string matrix = folder.File("huge.csv", "1e307,1e307\n1e307,1e307\n");
        var result = CliRunner.Run(symmetric ? ["eig", "--matrix", matrix, "--symmetric"] : ["eig", "--matrix", matrix]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("NaN", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("0", result.Lines[0]);
        Assert.Equal(2e307, double.Parse(result.Lines[1], System.Globalization.CultureInfo.InvariantCulture), 1e292);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EigWhoseEigenvalueOverflowsIsBadInputNamingTheFile(bool symmetric)
    {
        using var folder = new TempFolder();
        string matrix = folder.File("overflow.csv", "1e308,1e308\n1e308,1e308\n");
        var result = AssertBadInput(matrix, symmetric ? ["eig", "--matrix", matrix, "--symmetric"] : ["eig", "--matrix", matrix], matrix);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void EigWithAnInfiniteEntryNamesFileAndPosition()
    {
        using var folder = new TempFolder();
        string matrix = folder.File("inf.csv", "1,2\n3,inf\n");
        AssertBadInput(matrix, ["eig", "--matrix", matrix], matrix + ":2", "column 2");
    }
}

using Manabi.TestSupport;
using Manabi.Text;

namespace Manabi.Cli.Tests;

public sealed class WordPieceCommandTests
{
    [Fact]
    public void TrainWritesAVocabularyThatLoadsAndTokenizes()
    {
        using var folder = new TempFolder();
        var heldOut = File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Take(2000).ToArray();
        string first = folder.File("a.txt", string.Join('\n', heldOut[..1000]));
        string second = folder.File("b.txt", string.Join('\n', heldOut[1000..]));
        string outDirectory = folder.PathOf("trained");
        var result = CliRunner.Run("wordpiece", "train", "--input", first, second, "--vocab-size", "600", "--output", outDirectory);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Compute merges", result.Stdout, StringComparison.Ordinal);

        var fromVocab = WordPieceTokenizer.Load(Path.Combine(outDirectory, "vocab.txt"));
        var fromJson = WordPieceTokenizer.Load(Path.Combine(outDirectory, "tokenizer.json"));
        Assert.Equal(600, fromVocab.Vocabulary.Count);
        Assert.Equal(WordPieceTokenizer.BertSpecialTokens, Enumerable.Range(0, 5).Select(i => fromVocab.Vocabulary[i]));
        var encoding = fromJson.Encode("the quick brown fox");
        Assert.Equal("[CLS]", encoding.Tokens[0]);
        Assert.DoesNotContain("[UNK]", encoding.Tokens);
        Assert.Equal(fromVocab.Encode("the quick brown fox").Ids, encoding.Ids);
    }

    [Fact]
    public void InvalidUtf8CorpusIsBadInputAndWritesNothing()
    {
        using var folder = new TempFolder();
        string corpus = folder.PathOf("bad.txt");
        File.WriteAllBytes(corpus, [.. "fine\nalso fine\n"u8.ToArray(), 0x80, 0x0A]);
        string outDirectory = folder.PathOf("trained");
        var result = CliRunner.Run("wordpiece", "train", "--input", corpus, "--vocab-size", "100", "--output", outDirectory);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("bad.txt:3:", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDirectory));
    }

    [Fact]
    public void MissingCorpusAndBadSizeAreBadInput()
    {
        using var folder = new TempFolder();
        var missing = CliRunner.Run("wordpiece", "train", "--input", folder.PathOf("nope.txt"), "--vocab-size", "100", "--output", folder.PathOf("o"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.txt", missing.Stderr, StringComparison.Ordinal);
        string corpus = folder.File("c.txt", "hello world\n");
        var zero = CliRunner.Run("wordpiece", "train", "--input", corpus, "--vocab-size", "0", "--output", folder.PathOf("o"));
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--vocab-size", zero.Stderr, StringComparison.Ordinal);
    }
}

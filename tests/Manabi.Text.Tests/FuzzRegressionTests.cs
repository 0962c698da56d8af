using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>
/// Replays the fuzzing corpus (tests/fixtures/fuzz/tokenizer-json and vocab: seeds and every crash tools/fuzz found)
/// through the fuzzing target's entry point: load, then encode.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static void LoadAndEncode(string path) =>
        WordPieceTokenizer.Load(path).Encode("Hello, world! Ünïcödé 日本語 straße [MASK] x");

    [Fact]
    public void TokenizerJsonCorpusLoadsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("tokenizer-json", ".json", LoadAndEncode, typeof(TokenizerFormatException)));

    [Fact]
    public void VocabCorpusLoadsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("vocab", ".txt", LoadAndEncode, typeof(TokenizerFormatException)));

    [Theory]
    [InlineData("crash-duplicate-key.json")]
    [InlineData("crash-negative-token-id.json")]
    [InlineData("crash-missing-field-null.json")]
    [InlineData("crash-post-processor-null.json")]
    [InlineData("crash-truncation-null.json")]
    [InlineData("crash-truncation-duplicate-key.json")]
    public void TokenizerJsonCrashesFoundByFuzzingAreFormatErrors(string file)
    {
        // Each was a NullReference or Argument exception (a stack trace in the CLI) before.
        string path = Fixtures.Path("fuzz", "tokenizer-json", file);
        var ex = Assert.Throws<TokenizerFormatException>(() => WordPieceTokenizer.Load(path));
        Assert.Equal(path, ex.FilePath);
    }
}

using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>Loading and saving vocab.txt, tokenizer.json and tokenizer_config.json, and their errors.</summary>
public sealed class FileFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-text-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TokenizerJsonRoundTripKeepsEveryGoldenEncoding()
    {
        string json = Path.Combine(_folder, "tokenizer.json");
        var original = Golden.Uncased.WithTruncation(new TruncationOptions(64, TruncationStrategy.OnlySecond, 4))
            .WithPadding(new PaddingOptions(80) { PadToMultipleOf = 8 });
        original.SaveTokenizerJson(json);
        var loaded = WordPieceTokenizer.Load(json);
        Assert.Equal(original.Truncation, loaded.Truncation);
        Assert.Equal(original.Padding, loaded.Padding);
        Assert.Equal(original.PostProcessor, loaded.PostProcessor);
        Assert.Equal(original.AddedTokens.OrderBy(t => t.Id), loaded.AddedTokens);
        foreach (var item in Golden.Root.GetProperty("single").EnumerateArray())
        {
            string text = item.GetProperty("text").GetString()!;
            Assert.Equal(Golden.Uncased.Encode(text).Ids, loaded.WithPadding(null).WithTruncation(null).Encode(text).Ids);
        }
        if (Environment.GetEnvironmentVariable("MANABI_SAVE_TOKENIZER_JSON") is { Length: > 0 } export)
        {
            Golden.Uncased.SaveTokenizerJson(export);
        }
    }

    [Fact]
    public void VocabRoundTripIsByteIdentical()
    {
        string path = Path.Combine(_folder, "vocab.txt");
        Golden.Vocabulary.Save(path);
        Assert.Equal(File.ReadAllBytes(Fixtures.Path("tokenizer", "bert-uncased-vocab.txt")), File.ReadAllBytes(path));
    }

    [Fact]
    public void TokenizerConfigSelectsCasedNormalization()
    {
        File.Copy(Fixtures.Path("tokenizer", "bert-uncased-vocab.txt"), Path.Combine(_folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{"do_lower_case": false, "model_max_length": 512}""");
        var tokenizer = WordPieceTokenizer.Load(_folder);
        Assert.False(tokenizer.Normalizer.Lowercase);
        Assert.False(tokenizer.Normalizer.StripsAccents);
        Assert.Equal(Golden.Cased.Encode("Café GPU").Ids, tokenizer.Encode("Café GPU").Ids);
    }

    [Fact]
    public void EmptyVocabularyNamesTheFile()
    {
        string path = Path.Combine(_folder, "vocab.txt");
        File.WriteAllText(path, "");
        var error = Assert.Throws<TokenizerFormatException>(() => WordPieceTokenizer.FromVocabFile(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VocabularyWithoutUnknownTokenIsRejected()
    {
        string path = Path.Combine(_folder, "vocab.txt");
        File.WriteAllText(path, "[CLS]\n[SEP]\nhello\n");
        var error = Assert.Throws<TokenizerFormatException>(() => WordPieceTokenizer.FromVocabFile(path));
        Assert.Contains("[UNK]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InVocabularyNamesTheLine()
    {
        string path = Path.Combine(_folder, "vocab.txt");
        File.WriteAllBytes(path, [.. "[UNK]\nok\n"u8, 0xFF, 0xFE, (byte)'\n']);
        var error = Assert.Throws<TokenizerFormatException>(() => WordPieceTokenizer.FromVocabFile(path));
        Assert.Equal(3, error.LineNumber);
        Assert.Contains($"{path}:3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedTokenizerJsonNamesTheLine()
    {
        string path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, "{\n  \"model\": {\n    \"type\": \"WordPiece\",\n    oops\n}");
        var error = Assert.Throws<TokenizerFormatException>(() => WordPieceTokenizer.Load(path));
        Assert.Equal(4, error.LineNumber);
    }
}

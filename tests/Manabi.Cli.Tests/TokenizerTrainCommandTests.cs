using System.IO.Compression;
using System.Text;
using Manabi.TestSupport;
using Manabi.Text;

namespace Manabi.Cli.Tests;

/// <summary>
/// <c>manabi tokenizer train</c>: the tokenizer.json it writes loads with <see cref="Tokenizer.FromFile"/> and is the
/// one <see cref="TokenizerTraining"/> trains in-process with the same settings (whose HF parity Manabi.Text.Tests
/// checks); cancellation writes nothing; bad corpora and sizes exit 2 naming the file, line or option.
/// </summary>
public sealed class TokenizerTrainCommandTests
{
    public static TheoryData<string> Models => new() { "bpe", "unigram", "wordpiece" };

    /// <summary>A vocabulary size each model can reach on the corpus below (byte-level BPE starts at 256 bytes).</summary>
    private static int VocabSize(string model) => model == "bpe" ? 700 : 500;

    [Theory]
    [MemberData(nameof(Models))]
    public void Trained_tokenizer_json_is_the_library_training_of_the_same_files(string model)
    {
        using var folder = new TempFolder();
        string[] inputs = WriteCorpus(folder);
        string outDirectory = folder.PathOf(Path.Combine("trained", model));
        int vocabSize = VocabSize(model);
        var result = CliRunner.Run(["tokenizer", "train", "--model", model, "--input", .. inputs, "--vocab-size", $"{vocabSize}", "--output", outDirectory]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Read files", result.Stdout, StringComparison.Ordinal);
        string written = Path.Combine(outDirectory, "tokenizer.json");
        Assert.Contains($"wrote {written}", result.Stdout, StringComparison.Ordinal);

        var expected = model switch
        {
            "bpe" => TokenizerTraining.TrainByteLevelBpe(inputs,
                new BpeTrainerOptions { VocabSize = vocabSize, MinFrequency = 2, SpecialTokens = ["<|endoftext|>"] }),
            "unigram" => TokenizerTraining.TrainSentencePieceUnigram(inputs,
                new UnigramTrainerOptions { VocabSize = vocabSize, SpecialTokens = ["<unk>"], UnknownToken = "<unk>" }),
            _ => TokenizerTraining.TrainBertWordPiece(inputs, new WordPieceTrainerOptions { VocabSize = vocabSize, MinFrequency = 2 }),
        };
        Assert.Equal(expected.ToJson(), File.ReadAllText(written));
        var loaded = Tokenizer.FromFile(written);
        Assert.Equal(expected.GetVocabularySize(), loaded.GetVocabularySize());
        Assert.True(loaded.GetVocabularySize() <= vocabSize, $"{loaded.GetVocabularySize()} tokens for --vocab-size {vocabSize}");
        // Enough merges or pieces to matter: a vocabulary of bare characters would fail this.
        Assert.True(loaded.GetVocabularySize() > vocabSize * 3 / 4, $"only {loaded.GetVocabularySize()} tokens");
        string[] sentences = ["The quick brown fox jumps over the lazy dog.", "Tokenizers split words into pieces"];
        foreach (string text in (string[])[.. sentences, "x = f(y) + 1 and y = g(x)", "日本語 😀"])
        {
            Assert.Equal(expected.Encode(text).Ids, loaded.Encode(text).Ids);
        }
        foreach (string text in sentences)
        {
            // Words are merged: fewer tokens than letters.
            int count = loaded.Encode(text).Ids.Count;
            Assert.True(count < text.Count(char.IsLetter), $"{model}: '{text}' is {count} tokens");
        }
        Assert.Equal(["tokenizer.json"], Directory.GetFileSystemEntries(outDirectory).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("bpe")]
    [InlineData("unigram")]
    public void Special_tokens_come_first_and_are_special(string model)
    {
        using var folder = new TempFolder();
        string[] inputs = WriteCorpus(folder);
        string outDirectory = folder.PathOf("out");
        string[] special = ["<pad>", "<unk>", "<s>", "</s>"];
        var result = CliRunner.Run(["tokenizer", "train", "--model", model, "--input", .. inputs, "--vocab-size", $"{VocabSize(model)}",
            "--special-tokens", .. special, "--output", outDirectory]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var tokenizer = Tokenizer.FromFile(outDirectory);
        Assert.Equal(special, Enumerable.Range(0, special.Length).Select(tokenizer.IdToToken));
        Assert.Equal(special.Order(StringComparer.Ordinal), tokenizer.AddedTokens.Where(t => t.Special).Select(t => t.Content).Order(StringComparer.Ordinal));
        // Special tokens in the text are matched whole, not split into pieces.
        var encoding = tokenizer.Encode("<s>hello</s>");
        Assert.Equal(2, encoding.Ids[0]);
        Assert.Equal(3, encoding.Ids[^1]);
        if (model == "unigram")
        {
            // <unk> is the unknown token wherever it is among the special tokens.
            Assert.Contains(1, tokenizer.Encode("a \u0F00 b").Ids);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Cancellation_writes_nothing(string model)
    {
        using var folder = new TempFolder();
        string[] inputs = WriteCorpus(folder);
        string outDirectory = folder.PathOf("out");
        using var cancellation = new CancellationTokenSource();
        // Cancelled at the first progress line, while the trainer is still at work; a trainer that ignored the token
        // would finish and write its tokenizer.json.
        using var output = new CancellingWriter(cancellation);
        using var error = new StringWriter();
        int exitCode = await ManabiCommand.RunAsync(["tokenizer", "train", "--model", model, "--input", .. inputs, "--vocab-size", $"{VocabSize(model)}",
            "--output", outDirectory], output, error, cancellation.Token);
        string context = $"exit {exitCode}\nstdout:\n{output}\nstderr:\n{error}";
        Assert.True(exitCode == ExitCodes.Interrupted, context);
        Assert.Contains("Cancelled.", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDirectory), context);
        Assert.Equal(inputs.Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Missing_corpus_a_folder_and_invalid_utf8_are_bad_input_and_write_nothing(string model)
    {
        using var folder = new TempFolder();
        string good = folder.File("good.txt", "hello world\n");
        string outDirectory = folder.PathOf("out");
        string[] Args(params string[] inputs) => ["tokenizer", "train", "--model", model, "--input", .. inputs, "--vocab-size", $"{VocabSize(model)}", "--output", outDirectory];

        var missing = CliRunner.Run(Args(good, folder.PathOf("absent.txt")));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("--input", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("absent.txt", missing.Stderr, StringComparison.Ordinal);

        string directory = Directory.CreateDirectory(folder.PathOf("dir")).FullName;
        var isFolder = CliRunner.Run(Args(directory));
        Assert.True(isFolder.ExitCode == 2, isFolder.ToString());
        Assert.Contains($"{directory} is a folder", isFolder.Stderr, StringComparison.Ordinal);

        string bad = folder.PathOf("bad.txt");
        File.WriteAllBytes(bad, [.. "fine\nalso fine\nnot "u8, 0x80, .. " fine\n"u8]);
        var invalid = CliRunner.Run(Args(good, bad));
        Assert.True(invalid.ExitCode == 2, invalid.ToString());
        Assert.Contains($"{bad}:3:", invalid.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", invalid.Stderr, StringComparison.Ordinal);

        Assert.False(Directory.Exists(outDirectory));
    }

    [Theory]
    [InlineData("bpe", "256 byte tokens")]
    [InlineData("unigram", "distinct characters")]
    [InlineData("wordpiece", "alphabet")]
    public void A_vocabulary_size_smaller_than_the_alphabet_is_bad_input(string model, string reason)
    {
        using var folder = new TempFolder();
        string[] inputs = WriteCorpus(folder);
        string outDirectory = folder.PathOf("out");
        var result = CliRunner.Run(["tokenizer", "train", "--model", model, "--input", .. inputs, "--vocab-size", "20", "--output", outDirectory]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--vocab-size", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDirectory));
    }

    [Fact]
    public void Options_that_do_not_fit_the_model_are_refused()
    {
        using var folder = new TempFolder();
        string corpus = folder.File("c.txt", "hello world\n");
        string outDirectory = folder.PathOf("out");
        (string[] Extra, string Named)[] cases =
        [
            (["--model", "unigram", "--min-frequency", "3"], "--min-frequency"),
            (["--model", "wordpiece", "--special-tokens", "<s>"], "--special-tokens"),
            (["--model", "bpe", "--special-tokens", "<s>", "<s>"], "--special-tokens"),
            (["--model", "bpe", "--min-frequency", "-1"], "--min-frequency"),
            (["--model", "sentencepiece"], "--model"),
        ];
        foreach (var (extra, named) in cases)
        {
            var result = CliRunner.Run(["tokenizer", "train", .. extra, "--input", corpus, "--vocab-size", "300", "--output", outDirectory]);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', extra)}: {result}");
            Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
        }
        var zero = CliRunner.Run("tokenizer", "train", "--model", "bpe", "--input", corpus, "--vocab-size", "0", "--output", outDirectory);
        Assert.True(zero.ExitCode == 2, zero.ToString());
        Assert.Contains("--vocab-size", zero.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDirectory));
    }

    [Fact]
    public void An_output_that_is_an_input_or_under_a_file_is_refused_before_training()
    {
        using var folder = new TempFolder();
        string corpus = folder.File("c.txt", "hello world\n");
        var same = CliRunner.Run("tokenizer", "train", "--model", "bpe", "--input", corpus, "--vocab-size", "300", "--output", corpus);
        Assert.True(same.ExitCode == 2, same.ToString());
        Assert.Contains("--output", same.Stderr, StringComparison.Ordinal);
        Assert.Equal("hello world\n", File.ReadAllText(corpus));
        var underFile = CliRunner.Run("tokenizer", "train", "--model", "bpe", "--input", corpus, "--vocab-size", "300", "--output", Path.Combine(corpus, "out"));
        Assert.True(underFile.ExitCode == 2, underFile.ToString());
        Assert.Contains("--output", underFile.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Read files", underFile.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Held-out lines in two files, the second gzip-compressed (the trainers read .gz as text).</summary>
    private static string[] WriteCorpus(TempFolder folder)
    {
        string[] lines = [.. File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Take(1200)];
        string first = folder.File("corpus-a.txt", string.Join('\n', lines[..700]) + "\n");
        string second = folder.PathOf("corpus-b.txt.gz");
        using (var gzip = new GZipStream(File.Create(second), CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines[700..]) + "\n"));
        }
        return [first, second];
    }

    /// <summary>Cancels its token at the first text written to it (the first progress line).</summary>
    private sealed class CancellingWriter(CancellationTokenSource cancellation) : StringWriter
    {
        public override void Write(char value)
        {
            base.Write(value);
            cancellation.Cancel();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            cancellation.Cancel();
        }

        public override void Write(char[] buffer, int index, int count)
        {
            base.Write(buffer, index, count);
            cancellation.Cancel();
        }
    }
}

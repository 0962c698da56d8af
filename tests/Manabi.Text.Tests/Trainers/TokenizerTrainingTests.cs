using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Trainers;

/// <summary>
/// TokenizerTraining: a trained tokenizer of each family saves as a tokenizer.json that HF tokenizers 0.23.2 loads and
/// encodes exactly as Manabi does (ids, tokens, UTF-16 offsets, type ids, decode) on held-out and adversarial text.
/// </summary>
public sealed class TokenizerTrainingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-tokenizer-training-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Corpus()
    {
        string path = Path.Combine(_folder, "corpus.txt");
        // Japanese lines too, so Unigram and BPE learn pieces beyond ASCII.
        var lines = TrainOracle.CorpusLines(0, 2500).Concat(TrainOracle.StressTexts("ja").Take(200).Select(t => t.ReplaceLineEndings(" ")));
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Held-out lines the trainer never saw, stress texts and adversarial strings (no lone surrogates: the oracle rejects them).</summary>
    private static string[] HeldOut() =>
    [
        .. TrainOracle.CorpusLines(5000, 300),
        .. TrainOracle.StressTexts("ja").Skip(200).Take(100),
        .. TrainOracle.StressTexts("fuzz").Where(TokenizersOracle.IsWellFormedUtf16).Take(100),
        "𝐀𝐁𝐂 letters and 𝟏𝟐𝟑 digits outside the BMP",
        "next\u0085line\u00A0nbsp\u2028separator",
        "cafe\u0301 combining, ﬁ ligature, ＡＢＣ fullwidth",
        "   leading and   repeated   spaces   ",
        "<s> [CLS] <unk> special-looking text </s>",
        "emoji 👩‍👩‍👧‍👦🇯🇵 and tabs\tand\r\nnewlines",
        "",
    ];


    [Fact]
    public void ByteLevelBpeSavesAsATokenizerJsonHfEncodesIdentically()
    {
        var tokenizer = TokenizerTraining.TrainByteLevelBpe([Corpus()],
            new BpeTrainerOptions { VocabSize = 1500, MinFrequency = 2, SpecialTokens = ["<s>", "<pad>", "</s>", "<unk>"] });
        Assert.Equal(1500, tokenizer.GetVocabularySize());
        Assert.Equal(0, tokenizer.TokenToId("<s>"));
        // The whole byte alphabet is in: any text encodes without an unknown token.
        Assert.All(ByteLevelPreTokenizer.Alphabet, c => Assert.NotNull(tokenizer.TokenToId(c.ToString())));
        AssertHfEncodesIdentically(tokenizer, "bpe");
    }

    [Fact]
    public void SentencePieceUnigramSavesAsATokenizerJsonHfEncodesIdentically()
    {
        var tokenizer = TokenizerTraining.TrainSentencePieceUnigram([Corpus()],
            new UnigramTrainerOptions { VocabSize = 1200, UnknownToken = "<unk>", SpecialTokens = ["<pad>", "</s>", "<unk>"] });
        Assert.Equal(1200, tokenizer.GetVocabularySize());
        Assert.Equal(2, tokenizer.TokenToId("<unk>"));
        Assert.IsType<NfkcNormalizer>(((SequenceNormalizer)tokenizer.Normalizer!).Normalizers[1]);
        AssertHfEncodesIdentically(tokenizer, "unigram");
    }

    [Fact]
    public void BertWordPieceSavesAsATokenizerJsonHfEncodesIdentically()
    {
        var tokenizer = TokenizerTraining.TrainBertWordPiece([Corpus()], new WordPieceTrainerOptions { VocabSize = 1500 });
        Assert.NotNull(tokenizer.WordPiece);
        Assert.Equal(1500, tokenizer.GetVocabularySize());
        AssertHfEncodesIdentically(tokenizer, "wordpiece");
    }

    [Fact]
    public void TrainingIsCancellableAndReportsProgress()
    {
        string corpus = Corpus();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TokenizerTraining.TrainByteLevelBpe([corpus], cancellationToken: cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => TokenizerTraining.TrainSentencePieceUnigram([corpus], cancellationToken: cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => TokenizerTraining.TrainBertWordPiece([corpus], cancellationToken: cancelled.Token));

        var stages = new List<string>();
        TokenizerTraining.TrainByteLevelBpe([corpus], new BpeTrainerOptions { VocabSize = 400 },
            new SynchronousProgress<TrainingProgress>(p => { lock (stages) { stages.Add(p.Stage); } }));
        Assert.Contains("Read files", stages);
        Assert.Contains("Compute merges", stages);
    }

    [Fact]
    public void ASpecialTokenMissingFromTheResultIsNamed()
    {
        var result = new BpeTrainingResult(new Dictionary<string, int> { ["a"] = 0 }, []);
        var error = Assert.Throws<ArgumentException>(() => TokenizerTraining.ByteLevelBpe(result, ["<s>"]));
        Assert.Contains("'<s>'", error.Message);
    }

    [Fact]
    public void ABadFileIsNamed()
    {
        string bad = Path.Combine(_folder, "bad.txt");
        File.WriteAllBytes(bad, [0x61, 0x0A, 0xFF, 0xFE, 0x0A]);
        var error = Assert.Throws<TokenizerFormatException>(() => TokenizerTraining.TrainSentencePieceUnigram([bad]));
        Assert.Contains("bad.txt", error.Message);
    }

    private void AssertHfEncodesIdentically(Tokenizer tokenizer, string name)
    {
        string path = Path.Combine(_folder, name + ".json");
        tokenizer.Save(path);
        // What Manabi reads back from its own file encodes as the trained instance does.
        var reloaded = Tokenizer.FromFile(path);
        string[] texts = HeldOut();
        foreach (bool special in new[] { true, false })
        {
            var hf = TokenizersOracle.Encode(new JsonObject
            {
                ["tokenizer"] = path,
                ["texts"] = new JsonArray(texts.Select(t => (JsonNode?)t).ToArray()),
                ["addSpecialTokens"] = special,
            });
            int tokens = 0;
            for (int i = 0; i < texts.Length; i++)
            {
                var expected = hf[i]!;
                Assert.True(expected["error"] is null, $"HF could not encode text {i} ({JsonSerializer.Serialize(texts[i])}): {expected["error"]}");
                foreach (var candidate in new[] { tokenizer, reloaded })
                {
                    var actual = candidate.Encode(texts[i], special);
                    string where = $"{name}, special tokens {special}, text {i}: {JsonSerializer.Serialize(texts[i])}";
                    Assert.True(TokenizersOracle.Ints(expected["ids"]).SequenceEqual(actual.Ids),
                        $"{where}\nHF ids {string.Join(' ', TokenizersOracle.Ints(expected["ids"]))}\nManabi {string.Join(' ', actual.Ids)}");
                    Assert.Equal(TokenizersOracle.Strings(expected["tokens"]), actual.Tokens);
                    Assert.Equal(TokenizersOracle.Ints(expected["typeIds"]), actual.TypeIds);
                    var offsets = TokenizersOracle.Offsets(expected["offsets"]).Select(o => TokenizersOracle.ToUtf16(o, texts[i])).ToArray();
                    Assert.True(offsets.SequenceEqual(actual.Offsets),
                        $"{where}\nHF offsets {string.Join(' ', offsets)}\nManabi {string.Join(' ', actual.Offsets)}");
                    Assert.Equal(expected["decoded"]!.GetValue<string>(), candidate.Decode(actual.Ids));
                }
                tokens += expected["ids"]!.AsArray().Count;
            }
            output.WriteLine($"{name}: {texts.Length} texts, {tokens} tokens equal to HF (special tokens {special})");
        }
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

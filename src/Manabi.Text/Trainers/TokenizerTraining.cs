using System.Text;

namespace Manabi.Text;

/// <summary>
/// Trains a complete <see cref="Tokenizer"/> in one call: the trainer of a model family behind the standard pipeline of
/// that family, as Hugging Face's Python wrappers assemble it (<c>ByteLevelBPETokenizer</c>,
/// <c>SentencePieceUnigramTokenizer</c>, <c>BertWordPieceTokenizer</c>). The lines of the files are normalized and
/// pre-tokenized by that pipeline before the words are counted, as HF's <c>train_from_files</c> does, so the result
/// saves (<see cref="Tokenizer.Save"/>) as a <c>tokenizer.json</c> that HF tokenizers loads and encodes identically.
/// </summary>
public static class TokenizerTraining
{
    /// <summary>The SentencePiece word-boundary mark that the Unigram pipeline's Metaspace stages use.</summary>
    public const string MetaspaceReplacement = "\u2581";

    /// <summary>
    /// Trains a byte-level BPE tokenizer (GPT-2/RoBERTa style): ByteLevel pre-tokenizer (no prefix space, GPT-2
    /// regex), BPE without unknown token, ByteLevel decoder and post-processor (offsets not trimmed), and the
    /// options' special tokens as special added tokens. The 256 byte characters are always in the initial alphabet,
    /// so every text encodes without an unknown token. Progress and errors are those of
    /// <see cref="BpeTrainer.TrainFromFiles"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Tokenizer TrainByteLevelBpe(IReadOnlyList<string> paths, BpeTrainerOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new BpeTrainerOptions();
        // HF's ByteLevelBPETokenizer seeds the alphabet with the byte characters; a limited alphabet keeps them too.
        var alphabet = new SortedSet<Rune>(options.InitialAlphabet ?? []);
        foreach (char c in ByteLevelPreTokenizer.Alphabet)
        {
            alphabet.Add(new Rune(c));
        }
        options = options with { InitialAlphabet = [.. alphabet] };
        var result = new BpeTrainer(options, progress).TrainFromFiles(paths, Splitter(null, ByteLevelPreTokenizerOf()), cancellationToken);
        return ByteLevelBpe(result, options.SpecialTokens);
    }

    /// <summary>
    /// The byte-level BPE pipeline of <see cref="TrainByteLevelBpe"/> around a trainer result (e.g. from
    /// <see cref="BpeTrainer.Train"/> on words that ByteLevel pre-tokenization produced).
    /// </summary>
    /// <exception cref="TokenizerFormatException">A merge names a token missing from the vocabulary.</exception>
    /// <exception cref="ArgumentException">A special token is not in the vocabulary.</exception>
    public static Tokenizer ByteLevelBpe(BpeTrainingResult result, IReadOnlyList<string>? specialTokens = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var model = new BpeModel(result.Vocabulary, result.Merges);
        return new Tokenizer(model,
            preTokenizer: ByteLevelPreTokenizerOf(),
            postProcessor: new ByteLevelPostProcessor(trimOffsets: false, addPrefixSpace: true, useRegex: true),
            decoder: new ByteLevelDecoder(),
            addedTokens: SpecialTokens(model, specialTokens));
    }

    /// <summary>
    /// Trains a SentencePiece-style Unigram tokenizer: normalizer Nmt, NFKC, then runs of spaces replaced by one space;
    /// Metaspace pre-tokenizer and decoder ("▁", prepended always); the Unigram model with the options'
    /// <see cref="UnigramTrainerOptions.UnknownToken"/> (without one, a character never seen in training cannot be
    /// encoded, as in HF); the special tokens as special added tokens. Progress and errors are those of
    /// <see cref="UnigramTrainer.TrainFromFiles"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range, or the corpus has more distinct characters than the vocabulary size.</exception>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Tokenizer TrainSentencePieceUnigram(IReadOnlyList<string> paths, UnigramTrainerOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new UnigramTrainerOptions();
        var result = new UnigramTrainer(options, progress).TrainFromFiles(paths, Splitter(UnigramNormalizer(), MetaspacePreTokenizerOf()),
            cancellationToken);
        return SentencePieceUnigram(result, options.SpecialTokens);
    }

    /// <summary>The SentencePiece Unigram pipeline of <see cref="TrainSentencePieceUnigram"/> around a trainer result.</summary>
    /// <exception cref="TokenizerFormatException">The result's unknown id is outside its pieces.</exception>
    /// <exception cref="ArgumentException">A special token is not in the vocabulary.</exception>
    public static Tokenizer SentencePieceUnigram(UnigramTrainingResult result, IReadOnlyList<string>? specialTokens = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var model = new UnigramModel(result.Pieces, result.UnknownId);
        return new Tokenizer(model, UnigramNormalizer(), MetaspacePreTokenizerOf(),
            decoder: new MetaspaceDecoder(MetaspaceReplacement, MetaspacePrependScheme.Always, split: true),
            addedTokens: SpecialTokens(model, specialTokens));
    }

    /// <summary>
    /// Trains a BERT WordPiece tokenizer with <see cref="WordPieceTrainer.TrainFromFiles"/> (its normalizer, the BERT
    /// pre-tokenizer, [CLS]/[SEP] post-processing, WordPiece decoder); it encodes through the fused BERT path.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="TokenizerFormatException">A file is unreadable or not valid UTF-8 (the message names file and line).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Tokenizer TrainBertWordPiece(IReadOnlyList<string> paths, WordPieceTrainerOptions? options = null,
        IProgress<WordPieceTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new WordPieceTrainerOptions();
        var vocabulary = new WordPieceTrainer(options, progress).TrainFromFiles(paths, cancellationToken);
        return WordPieceTokenizer.CreateBert(vocabulary, options.Normalizer.Lowercase).ToTokenizer();
    }

    private static ByteLevelPreTokenizer ByteLevelPreTokenizerOf() => new(addPrefixSpace: false, trimOffsets: true, useRegex: true);

    private static MetaspacePreTokenizer MetaspacePreTokenizerOf() => new(MetaspaceReplacement, MetaspacePrependScheme.Always, split: true);

    // SentencePieceUnigramTokenizer's normalizer: Nmt, NFKC, runs of spaces to one.
    private static SequenceNormalizer UnigramNormalizer() =>
        new([new NmtNormalizer(), new NfkcNormalizer(), new ReplaceNormalizer(" {2,}", " ", isRegex: true)]);

    /// <summary>
    /// The words a line becomes through the normalizer and pre-tokenizer (HF's
    /// <c>train_from_files</c> counts these; added tokens are not split out there either).
    /// </summary>
    private static Func<string, IEnumerable<string>> Splitter(ITextNormalizer? normalizer, IPreTokenizer preTokenizer) => line =>
    {
        var normalized = new NormalizedText(line);
        normalizer?.Normalize(normalized);
        var pre = new PreTokenizedText(normalized);
        preTokenizer.PreTokenize(pre);
        var words = new string[pre.Count];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = pre[i].Normalized;
        }
        return words;
    };

    private static List<AddedToken> SpecialTokens(ITokenizationModel model, IReadOnlyList<string>? specialTokens)
    {
        var added = new List<AddedToken>();
        foreach (string token in specialTokens ?? [])
        {
            // The trainers put the special tokens first in the vocabulary; HF then adds them as special added tokens.
            if (!model.TryGetId(token, out int id))
            {
                throw new ArgumentException($"the special token '{token}' is not in the trained vocabulary", nameof(specialTokens));
            }
            added.Add(new AddedToken(token, id));
        }
        return added;
    }
}

namespace Manabi.Text;

/// <summary>Settings of <see cref="WordPieceTrainer"/>; defaults are those of HF's <c>BertWordPieceTokenizer.train</c>.</summary>
public sealed record WordPieceTrainerOptions
{
    /// <summary>Target vocabulary size, special tokens and alphabet included.</summary>
    public int VocabSize { get; init; } = 30000;

    /// <summary>Pairs seen fewer times than this are never merged.</summary>
    public long MinFrequency { get; init; } = 2;

    /// <summary>Keep at most this many distinct characters (the most frequent); null keeps all.</summary>
    public int? LimitAlphabet { get; init; } = 1000;

    /// <summary>Characters always in the alphabet, even when unseen.</summary>
    public IReadOnlyList<char> InitialAlphabet { get; init; } = [];

    /// <summary>Tokens placed first in the vocabulary, in this order.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = WordPieceTokenizer.BertSpecialTokens;

    /// <summary>Prefix of continuation pieces.</summary>
    public string ContinuingSubwordPrefix { get; init; } = "##";

    /// <summary>Pair selection rule.</summary>
    public WordPieceScoring Scoring { get; init; } = WordPieceScoring.PairCount;

    /// <summary>The normalizer that produces the words (uncased BERT by default).</summary>
    public BertNormalizer Normalizer { get; init; } = BertNormalizer.Uncased;
}

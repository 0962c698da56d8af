using System.Text;

namespace Manabi.Text;

/// <summary>Settings of <see cref="BpeTrainer"/>; the defaults are those of HF tokenizers' <c>BpeTrainer</c>.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>Target vocabulary size, special tokens and alphabet included.</summary>
    public int VocabSize { get; init; } = 30000;

    /// <summary>Pairs seen fewer times than this are never merged.</summary>
    public long MinFrequency { get; init; }

    /// <summary>Tokens placed first in the vocabulary, in this order (duplicates are kept once).</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = [];

    /// <summary>Keep at most this many distinct characters (the most frequent); null keeps all.</summary>
    public int? LimitAlphabet { get; init; }

    /// <summary>Characters always in the alphabet, even when unseen (e.g. ByteLevel's 256 byte characters).</summary>
    public IReadOnlyList<Rune> InitialAlphabet { get; init; } = [];

    /// <summary>Prefix of every piece that does not start a word (e.g. <c>##</c>); null for none.</summary>
    public string? ContinuingSubwordPrefix { get; init; }

    /// <summary>Suffix of every piece that ends a word (e.g. <c>&lt;/w&gt;</c>); null for none.</summary>
    public string? EndOfWordSuffix { get; init; }

    /// <summary>Longest token, in characters, that a merge may form after the first round of pairs; null for no limit.</summary>
    public int? MaxTokenLength { get; init; }
}

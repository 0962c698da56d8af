using System.Text;

namespace Manabi.Text;

/// <summary>Settings of <see cref="UnigramTrainer"/>; the defaults are those of HF tokenizers' <c>UnigramTrainer</c>.</summary>
public sealed record UnigramTrainerOptions
{
    /// <summary>Target vocabulary size, special tokens included (fewer pieces result when the corpus has fewer useful ones).</summary>
    public int VocabSize { get; init; } = 8000;

    /// <summary>EM iterations between two prunings.</summary>
    public int SubIterations { get; init; } = 2;

    /// <summary>The share of pieces each pruning keeps (at least 110 % of <see cref="VocabSize"/>).</summary>
    public double ShrinkingFactor { get; init; } = 0.75;

    /// <summary>Tokens placed first in the vocabulary (score 0), in this order.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = [];

    /// <summary>Characters always in the vocabulary, even when unseen.</summary>
    public IReadOnlyList<Rune> InitialAlphabet { get; init; } = [];

    /// <summary>The unknown token: its position in <see cref="SpecialTokens"/> or, when absent there, id 0; null for none.</summary>
    public string? UnknownToken { get; init; }

    /// <summary>Longest piece, in characters.</summary>
    public int MaxPieceLength { get; init; } = 16;

    /// <summary>How many seed pieces (characters, then frequent substrings) EM starts from.</summary>
    public int SeedSize { get; init; } = 1_000_000;
}

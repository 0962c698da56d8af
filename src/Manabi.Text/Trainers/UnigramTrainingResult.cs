namespace Manabi.Text;

/// <summary>What <see cref="UnigramTrainer"/> learned: the data a Unigram model is built from.</summary>
/// <param name="Pieces">The vocabulary by id: special tokens (score 0), then pieces by decreasing log probability.</param>
/// <param name="UnknownId">The unknown token's id, or null when <see cref="UnigramTrainerOptions.UnknownToken"/> is null.</param>
public sealed record UnigramTrainingResult(IReadOnlyList<(string Piece, double Score)> Pieces, int? UnknownId);

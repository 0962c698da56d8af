namespace Manabi.Text;

/// <summary>A progress report of <see cref="WordPieceTrainer"/>.</summary>
/// <param name="Stage">"Count words", "Count pairs" or "Compute merges".</param>
/// <param name="Done">Units done in this stage.</param>
/// <param name="Total">Units in this stage.</param>
public readonly record struct WordPieceTrainingProgress(string Stage, long Done, long Total);

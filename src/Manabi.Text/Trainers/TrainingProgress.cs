namespace Manabi.Text;

/// <summary>A progress report of <see cref="BpeTrainer"/> or <see cref="UnigramTrainer"/>.</summary>
/// <param name="Stage">The stage's name, e.g. "Read files", "Count pairs", "Compute merges", "EM training".</param>
/// <param name="Done">Units done in this stage.</param>
/// <param name="Total">Units in this stage.</param>
public readonly record struct TrainingProgress(string Stage, long Done, long Total);

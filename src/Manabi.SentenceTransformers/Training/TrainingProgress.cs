namespace Manabi.SentenceTransformers.Training;

/// <summary>Reported after each optimisation step, and after each evaluation (then with <see cref="DevScore"/>).</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Step">Steps done so far (over all epochs).</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Loss">The last step's loss.</param>
/// <param name="LearningRate">The learning rate the last step used.</param>
/// <param name="DevScore">Spearman correlation on the dev set, when this report follows an evaluation.</param>
public sealed record TrainingProgress(int Epoch, int Step, int TotalSteps, double Loss, double LearningRate, double? DevScore = null);

namespace Manabi.SentenceTransformers.Training;

/// <summary>What a training run did.</summary>
/// <param name="Steps">Optimisation steps done in total (resumed ones included).</param>
/// <param name="ResumedFromStep">The checkpoint step the run resumed from; 0 when it started fresh.</param>
/// <param name="Losses">The loss of every step this run performed.</param>
/// <param name="DevScores">The dev score after each epoch, when a dev set was given.</param>
public sealed record TrainingResult(int Steps, int ResumedFromStep, IReadOnlyList<double> Losses, IReadOnlyList<double> DevScores);

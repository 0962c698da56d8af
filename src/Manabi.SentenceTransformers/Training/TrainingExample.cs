namespace Manabi.SentenceTransformers.Training;

/// <summary>One training row: its texts in column order (anchor, positive, negative, …) and an optional label.</summary>
/// <param name="Texts">The texts, one per column the loss reads.</param>
/// <param name="Label">A similarity score or a class index, for losses that need one.</param>
public sealed record TrainingExample(IReadOnlyList<string> Texts, float? Label = null);

namespace Manabi.SentenceTransformers.Training;

/// <summary>A pair of texts with a gold similarity score, for evaluation.</summary>
public sealed record SimilarityExample(string First, string Second, double Score);

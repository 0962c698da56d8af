namespace Manabi.Vectors.Search;

/// <summary>Two corpus entries that paraphrase mining found similar; <see cref="First"/> &lt; <see cref="Second"/>.</summary>
public readonly record struct ParaphrasePair(float Score, int First, int Second);

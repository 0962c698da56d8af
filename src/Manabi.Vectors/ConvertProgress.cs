namespace Manabi.Vectors;

/// <summary>Progress of <see cref="VectorStoreConverter.Convert"/>: the stage running and how far it is.</summary>
/// <param name="Stage">What is being done: reading, normalizing, n-gram index, approximate index, writing.</param>
/// <param name="Fraction">0 to 1 within that stage.</param>
public readonly record struct ConvertProgress(string Stage, double Fraction);

namespace Manabi.Vectors;

/// <summary>What <see cref="VectorStoreConverter.Convert"/> wrote.</summary>
/// <param name="OutputPath">The store written.</param>
/// <param name="Count">Keys stored.</param>
/// <param name="Dimensions">Vector length.</param>
/// <param name="DuplicatesDropped">Repeated keys in the source (the first occurrence is kept).</param>
/// <param name="Bytes">Size of the store file.</param>
/// <param name="Elapsed">Wall time of the conversion.</param>
public sealed record ConvertResult(string OutputPath, int Count, int Dimensions, int DuplicatesDropped, long Bytes, TimeSpan Elapsed);

namespace Manabi.Vectors;

/// <summary>Options of <see cref="VectorStoreConverter.Convert"/>.</summary>
public sealed class VectorConvertOptions
{
    /// <summary>Source format; <see cref="VectorFileFormat.Auto"/> decides from the name and first line.</summary>
    public VectorFileFormat Format { get; init; } = VectorFileFormat.Auto;

    /// <summary>How vectors are stored. Default float32.</summary>
    public VectorDType DType { get; init; } = VectorDType.Float32;

    /// <summary>Build the character n-gram index that out-of-vocabulary matching needs. Default true.</summary>
    public bool BuildNgramIndex { get; init; } = true;

    /// <summary>
    /// For float32 stores, also write an int8 screening copy of the vectors (a quarter of their size) that lets exact
    /// searches read about a quarter of the bytes and rescore only the rows that can still make the top k; results stay
    /// identical to a full float32 scan. Ignored for float16 and int8 stores. Default true.
    /// </summary>
    public bool BuildScreeningCopy { get; init; } = true;

    /// <summary>Build the HNSW graph for approximate neighbour search (the CLI's <c>--approx</c>). Default false.</summary>
    public bool BuildApproximateIndex { get; init; }

    /// <summary>HNSW links per node on upper layers (twice as many on layer 0). Default 16.</summary>
    public int HnswM { get; init; } = 16;

    /// <summary>HNSW candidates explored while inserting. Default 100.</summary>
    public int HnswEfConstruction { get; init; } = 100;
}

namespace Manabi.Vectors;

/// <summary>How a store keeps its unit-normalized vectors on disk.</summary>
public enum VectorDType
{
    /// <summary>32-bit floats: exact, 4 bytes a value.</summary>
    Float32 = 0,

    /// <summary>16-bit floats: half the size, about 3 significant digits.</summary>
    Float16 = 1,

    /// <summary>Signed bytes with one float scale per vector: a quarter of the size.</summary>
    Int8 = 2,
}

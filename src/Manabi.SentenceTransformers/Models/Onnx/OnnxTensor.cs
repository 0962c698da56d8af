using System.Runtime.InteropServices;

namespace Manabi.SentenceTransformers.Models.Onnx;

/// <summary>An ONNX <c>TensorProto</c>: a name, a shape, an element type and its values (float32 and int64 are decoded).</summary>
public sealed class OnnxTensor
{
    /// <summary>ONNX's FLOAT element type.</summary>
    public const int Float = 1;

    /// <summary>ONNX's INT32 element type.</summary>
    public const int Int32 = 6;

    /// <summary>ONNX's INT64 element type.</summary>
    public const int Int64 = 7;

    /// <summary>Creates a tensor.</summary>
    public OnnxTensor(string name, long[] dims, int dataType, float[]? floats, long[]? integers)
    {
        Name = name;
        Dims = dims;
        DataType = dataType;
        Floats = floats;
        Integers = integers;
    }

    /// <summary>The initializer's name (empty for a Constant node's value).</summary>
    public string Name { get; }

    /// <summary>The shape.</summary>
    public long[] Dims { get; }

    /// <summary>The ONNX element type (1 float, 7 int64, …).</summary>
    public int DataType { get; }

    /// <summary>The values of a float tensor, row-major.</summary>
    public float[]? Floats { get; }

    /// <summary>The values of an int32 or int64 tensor.</summary>
    public long[]? Integers { get; }

    /// <summary>Decodes a <c>TensorProto</c>.</summary>
    internal static OnnxTensor Parse(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        ReadOnlySpan<byte> raw = default;
        var floats = new List<float>();
        var integers = new List<long>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 0:
                    dims.Add((long)reader.ReadVarint());
                    break;
                case 1 when wire == 2:
                    ReadPackedVarints(reader.ReadBytes(), dims);
                    break;
                case 2:
                    dataType = (int)reader.ReadVarint();
                    break;
                case 4 when wire == 5:
                    floats.Add(reader.ReadFixed32Float());
                    break;
                case 4 when wire == 2:
                    floats.AddRange(MemoryMarshal.Cast<byte, float>(reader.ReadBytes()).ToArray());
                    break;
                case 5 or 7 when wire == 0:
                    integers.Add((long)reader.ReadVarint());
                    break;
                case 5 or 7 when wire == 2:
                    ReadPackedVarints(reader.ReadBytes(), integers);
                    break;
                case 8:
                    name = reader.ReadString();
                    break;
                case 9:
                    raw = reader.ReadBytes();
                    break;
                case 13:
                    throw new InvalidDataException("tensors with external data are not supported; export with the weights inside the .onnx file");
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        float[]? floatValues = null;
        long[]? integerValues = null;
        if (dataType == Float)
        {
            floatValues = raw.IsEmpty ? [.. floats] : MemoryMarshal.Cast<byte, float>(raw).ToArray();
        }
        else if (dataType == Int64)
        {
            integerValues = raw.IsEmpty ? [.. integers] : MemoryMarshal.Cast<byte, long>(raw).ToArray();
        }
        else if (dataType == Int32)
        {
            integerValues = raw.IsEmpty ? [.. integers] : MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (long)v).ToArray();
        }
        return new OnnxTensor(name, [.. dims], dataType, floatValues, integerValues);
    }

    private static void ReadPackedVarints(ReadOnlySpan<byte> packed, List<long> into)
    {
        var reader = new ProtoReader(packed);
        while (!reader.AtEnd)
        {
            into.Add((long)reader.ReadVarint());
        }
    }
}

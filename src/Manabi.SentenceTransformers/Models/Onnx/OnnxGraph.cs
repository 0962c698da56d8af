namespace Manabi.SentenceTransformers.Models.Onnx;

/// <summary>The graph of an ONNX model: its nodes in order and its initializers by name.</summary>
public sealed class OnnxGraph
{
    private OnnxGraph(IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, OnnxTensor> initializers)
    {
        Nodes = nodes;
        Initializers = initializers;
    }

    /// <summary>The nodes, in file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The initializers (weights) by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Reads <c>ModelProto.graph</c> from an .onnx file.</summary>
    /// <exception cref="InvalidDataException">Not an ONNX model, or one this reader cannot decode; the message names the file.</exception>
    public static OnnxGraph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the ONNX file does not exist", path);
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads <c>ModelProto.graph</c> from the bytes of an .onnx file.</summary>
    public static OnnxGraph Parse(byte[] model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            var reader = new ProtoReader(model);
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadTag();
                if (field == 7 && wire == 2)
                {
                    return ParseGraph(reader.ReadBytes());
                }
                reader.Skip(wire);
            }
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{source}: not a readable ONNX model ({e.Message})", e);
        }
        throw new InvalidDataException($"{source}: the ONNX model has no graph");
    }

    private static OnnxGraph ParseGraph(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    nodes.Add(OnnxNode.Parse(reader.ReadBytes()));
                    break;
                case 5:
                    var tensor = OnnxTensor.Parse(reader.ReadBytes());
                    initializers[tensor.Name] = tensor;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new OnnxGraph(nodes, initializers);
    }
}

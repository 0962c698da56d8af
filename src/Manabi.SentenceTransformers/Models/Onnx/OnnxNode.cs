namespace Manabi.SentenceTransformers.Models.Onnx;

/// <summary>An ONNX <c>NodeProto</c>: operator, inputs, outputs, and the attributes this library reads.</summary>
/// <param name="OpType">The operator, e.g. MatMul.</param>
/// <param name="Name">The node's name.</param>
/// <param name="Inputs">Input value names.</param>
/// <param name="Outputs">Output value names.</param>
/// <param name="FloatAttributes">Float attributes by name (e.g. LayerNormalization's epsilon).</param>
/// <param name="TensorAttribute">A Constant node's value.</param>
public sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, float> FloatAttributes, OnnxTensor? TensorAttribute)
{
    /// <summary>Decodes a <c>NodeProto</c>.</summary>
    internal static OnnxNode Parse(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", op = "";
        var floats = new Dictionary<string, float>(StringComparer.Ordinal);
        OnnxTensor? tensor = null;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    inputs.Add(reader.ReadString());
                    break;
                case 2:
                    outputs.Add(reader.ReadString());
                    break;
                case 3:
                    name = reader.ReadString();
                    break;
                case 4:
                    op = reader.ReadString();
                    break;
                case 5:
                    ReadAttribute(reader.ReadBytes(), floats, ref tensor);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new OnnxNode(op, name, inputs, outputs, floats, tensor);
    }

    private static void ReadAttribute(ReadOnlySpan<byte> message, Dictionary<string, float> floats, ref OnnxTensor? tensor)
    {
        var reader = new ProtoReader(message);
        string name = "";
        float? value = null;
        OnnxTensor? t = null;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    name = reader.ReadString();
                    break;
                case 2 when wire == 5:
                    value = reader.ReadFixed32Float();
                    break;
                case 5:
                    t = OnnxTensor.Parse(reader.ReadBytes());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (value is { } f)
        {
            floats[name] = f;
        }
        if (t is not null && name == "value")
        {
            tensor = t;
        }
    }
}

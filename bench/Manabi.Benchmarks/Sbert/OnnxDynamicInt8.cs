using Google.Protobuf;
using Onnx;

namespace Manabi.Benchmarks.Sbert;

/// <summary>
/// ONNX Runtime's own int8 model of an ONNX file, made without Python: the graph that
/// <c>onnxruntime.quantization.quantize_dynamic(model, out)</c> writes with its defaults (int8 weights, symmetric, one
/// scale per tensor, uint8 activations quantized at run time), which PyPI's absence keeps out of reach here. Every
/// <c>MatMul</c> whose second input is a two-dimensional float initializer becomes
/// <c>DynamicQuantizeLinear(A)</c> → <c>MatMulInteger(A_q, B_q, A_zp, B_zp)</c> → <c>Cast(float)</c> →
/// <c>Mul(·, A_scale × B_scale)</c>, exactly the tool's <c>MatMulInteger</c> rewrite (with <c>per_channel=True</c>,
/// B_scale and B_zp hold one value per output column); ONNX Runtime's optimizer fuses
/// that chain into its <c>DynamicQuantizeMatMul</c> kernel at load, as it does for the tool's output. Weights are
/// quantized as the tool does: scale = max|w| / 127, zero point 0, round half to even, clipped to ±127.
/// </summary>
public static class OnnxDynamicInt8
{
    /// <summary>Returns the quantized model's bytes and how many MatMul nodes were rewritten.</summary>
    /// <param name="onnx">The float32 model.</param>
    /// <param name="perChannel">The tool's <c>per_channel=True</c>: one scale per output column (the weight's last
    /// axis) instead of one per tensor.</param>
    public static (byte[] Model, int Rewritten) Quantize(byte[] onnx, bool perChannel = false)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var quantizedWeights = new Dictionary<string, string>(StringComparer.Ordinal);
        // An activation read by several MatMuls (Q, K and V) is quantized once, as the tool does.
        var quantizedActivations = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        int rewritten = 0;
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || node.Domain.Length != 0 || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight) || weight.Dims.Count != 2
                || weight.DataType != (int)TensorProto.Types.DataType.Float)
            {
                nodes.Add(node);
                continue;
            }
            string b = node.Input[1];
            if (!quantizedWeights.ContainsKey(b))
            {
                var (q, scales) = QuantizeWeight(weight, perChannel);
                graph.Initializer.Add(q);
                graph.Initializer.Add(Vector(b + "_scale", TensorProto.Types.DataType.Float,
                    [.. scales.SelectMany(BitConverter.GetBytes)], perChannel ? scales.Length : null));
                graph.Initializer.Add(Vector(b + "_zero_point", TensorProto.Types.DataType.Int8,
                    new byte[scales.Length], perChannel ? scales.Length : null));
                quantizedWeights[b] = q.Name;
            }
            string a = node.Input[0], output = node.Output[0], stem = node.Name.Length > 0 ? node.Name : output;
            if (quantizedActivations.Add(a))
            {
                nodes.Add(Node("DynamicQuantizeLinear", a + "_QuantizeLinear", [a], [a + "_quantized", a + "_scale", a + "_zero_point"]));
            }
            nodes.Add(Node("MatMulInteger", stem + "_quant", [a + "_quantized", quantizedWeights[b], a + "_zero_point", b + "_zero_point"], [output + "_output_quantized"]));
            var cast = Node("Cast", stem + "_cast", [output + "_output_quantized"], [output + "_output_quantized_cast_output"]);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            nodes.Add(cast);
            nodes.Add(Node("Mul", stem + "_scales_mul", [a + "_scale", b + "_scale"], [stem + "_scales_mul_output"]));
            nodes.Add(Node("Mul", stem + "_output_scale_mul", [output + "_output_quantized_cast_output", stem + "_scales_mul_output"], [output]));
            rewritten++;
        }
        // The float weights that only quantized MatMuls read are dropped, as the tool drops them.
        var stillRead = new HashSet<string>(nodes.SelectMany(n => n.Input), StringComparer.Ordinal);
        foreach (string name in quantizedWeights.Keys.Where(name => !stillRead.Contains(name)))
        {
            graph.Initializer.Remove(initializers[name]);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        return (model.ToByteArray(), rewritten);
    }

    private static (TensorProto Quantized, float[] Scales) QuantizeWeight(TensorProto weight, bool perChannel)
    {
        float[] values = FloatValues(weight);
        int columns = (int)weight.Dims[1];
        var scales = new float[perChannel ? columns : 1];
        for (int i = 0; i < values.Length; i++)
        {
            int s = perChannel ? i % columns : 0;
            scales[s] = MathF.Max(scales[s], MathF.Abs(values[i]));
        }
        for (int s = 0; s < scales.Length; s++)
        {
            scales[s] = scales[s] == 0 ? 1f : scales[s] / 127f;
        }
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float q = MathF.Round(values[i] / scales[perChannel ? i % columns : 0], MidpointRounding.ToEven);
            bytes[i] = unchecked((byte)(sbyte)Math.Clamp(q, -127f, 127f));
        }
        var quantized = new TensorProto
        {
            Name = weight.Name + "_quantized",
            DataType = (int)TensorProto.Types.DataType.Int8,
            RawData = ByteString.CopyFrom(bytes),
        };
        quantized.Dims.AddRange(weight.Dims);
        return (quantized, scales);
    }

    private static float[] FloatValues(TensorProto tensor)
    {
        if (!tensor.RawData.IsEmpty)
        {
            var span = tensor.RawData.Span;
            var values = new float[span.Length / 4];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BitConverter.ToSingle(span.Slice(i * 4, 4));
            }
            return values;
        }
        return [.. tensor.FloatData];
    }

    /// <summary>A scalar initializer, or a one-dimensional one of <paramref name="length"/> values.</summary>
    private static TensorProto Vector(string name, TensorProto.Types.DataType type, byte[] raw, int? length)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        if (length is int n)
        {
            tensor.Dims.Add(n);
        }
        return tensor;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}

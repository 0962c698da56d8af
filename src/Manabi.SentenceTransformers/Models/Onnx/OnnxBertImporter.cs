using Manabi.SentenceTransformers.Models.Bert;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Onnx;

/// <summary>
/// Recovers a Hugging Face <see cref="BertModel"/> from a BERT graph exported by torch to ONNX. The exporter keeps
/// HF names for biases, LayerNorms and embeddings (possibly under a wrapper prefix such as <c>m.</c>), but turns each
/// Linear weight into an unnamed, transposed MatMul initializer; each is found as the MatMul feeding the Add of a
/// named bias and transposed back. The architecture is read from the graph: sizes from the weights, heads from
/// the attention's reshape and scale constants, the activation from Erf/Tanh, the LayerNorm epsilon from its constant.
/// </summary>
public static class OnnxBertImporter
{
    private const string WordEmbeddings = "embeddings.word_embeddings.weight";

    /// <summary>Imports the weights and configuration of a BERT ONNX graph.</summary>
    /// <exception cref="InvalidDataException">The graph is not a BERT export this importer understands; the message says why.</exception>
    public static (BertConfig Config, Dictionary<string, float[]> Weights, Dictionary<string, long[]> Shapes) Import(OnnxGraph graph, string source)
    {
        ArgumentNullException.ThrowIfNull(graph);
        string wordKey = graph.Initializers.Keys.FirstOrDefault(k => k.EndsWith(WordEmbeddings, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{source}: no '{WordEmbeddings}' initializer: not a BERT export");
        string prefix = wordKey[..^WordEmbeddings.Length];
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, tensor) in graph.Initializers)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && tensor.Floats is { } values
                && (name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal)))
            {
                CheckShape(tensor, values, source);
                weights[name[prefix.Length..]] = values;
                shapes[name[prefix.Length..]] = tensor.Dims;
            }
        }
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            foreach (string output in node.Outputs)
            {
                producers[output] = node;
            }
        }
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Add" && n.Inputs.Count == 2))
        {
            for (int side = 0; side < 2; side++)
            {
                string biasName = node.Inputs[side];
                if (!biasName.StartsWith(prefix, StringComparison.Ordinal) || !biasName.EndsWith(".bias", StringComparison.Ordinal)
                    || !producers.TryGetValue(node.Inputs[1 - side], out var matmul) || matmul.OpType != "MatMul"
                    || !graph.Initializers.TryGetValue(matmul.Inputs[1], out var transposed) || transposed.Floats is null
                    || transposed.Dims.Length != 2)
                {
                    continue;
                }
                CheckShape(transposed, transposed.Floats, source);
                string key = biasName[prefix.Length..^".bias".Length] + ".weight";
                long rows = transposed.Dims[0], columns = transposed.Dims[1];
                weights[key] = Transpose(transposed.Floats, (int)rows, (int)columns);
                shapes[key] = [columns, rows];
            }
        }
        var config = InferConfig(graph, weights, shapes, source);
        return (config, weights, shapes);
    }

    /// <summary>
    /// Imports an .onnx file and writes an HF model folder: <c>config.json</c> and <c>model.safetensors</c>, plus
    /// <c>vocab.txt</c> when <paramref name="vocabularyPath"/> is given. Each file is written atomically.
    /// </summary>
    public static void ImportToFolder(string onnxPath, string folder, string? vocabularyPath = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        using var model = ImportModel(onnxPath);
        BertWeights.Save(model, folder);
        if (vocabularyPath is not null)
        {
            string target = Path.Combine(folder, "vocab.txt");
            string temp = target + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.Copy(vocabularyPath, temp);
            File.Move(temp, target, overwrite: true);
        }
    }

    /// <summary>Imports an .onnx file into a <see cref="BertModel"/> (with a pooler when the graph has one).</summary>
    public static BertModel ImportModel(string onnxPath) => ImportModel(OnnxGraph.Load(onnxPath), onnxPath);

    /// <summary>Imports a parsed graph into a <see cref="BertModel"/>.</summary>
    /// <exception cref="InvalidDataException">A weight could not be recovered; the message names it.</exception>
    public static BertModel ImportModel(OnnxGraph graph, string source)
    {
        TorchRuntime.EnsureLoaded();
        var (config, weights, shapes) = Import(graph, source);
        var model = new BertModel(config, addPoolingLayer: weights.ContainsKey("pooler.dense.weight") && weights.ContainsKey("pooler.dense.bias"));
        var state = weights.ToDictionary(kv => kv.Key, kv => tensor(kv.Value, shapes[kv.Key]), StringComparer.Ordinal);
        try
        {
            BertWeights.CopyInto(model, state, source);
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
            }
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// Checks that an initializer's dimensions describe its values: every later step (transposes, the configuration's
    /// sizes) indexes by them, and a forged file gave an IndexOutOfRangeException (found by fuzzing).
    /// </summary>
    private static void CheckShape(OnnxTensor tensor, float[] values, string source)
    {
        long elements = 1;
        foreach (long dimension in tensor.Dims)
        {
            if (dimension is < 0 or > int.MaxValue)
            {
                throw new InvalidDataException($"{source}: initializer '{tensor.Name}' has dimension {dimension}");
            }
            elements = dimension == 0 ? 0 : elements > long.MaxValue / dimension ? long.MaxValue : elements * dimension;
        }
        if (elements != values.Length)
        {
            throw new InvalidDataException($"{source}: initializer '{tensor.Name}' has shape [{string.Join(", ", tensor.Dims)}] but {values.Length} values");
        }
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }

    private static BertConfig InferConfig(OnnxGraph graph, Dictionary<string, float[]> weights, Dictionary<string, long[]> shapes, string source)
    {
        long[] Shape(string key, int rank) => !shapes.TryGetValue(key, out var s)
            ? throw new InvalidDataException($"{source}: the graph has no '{key}' (after removing the export prefix)")
            : s.Length != rank ? throw new InvalidDataException($"{source}: '{key}' has {s.Length} dimensions, not {rank}")
            : s;
        long[] word = Shape(WordEmbeddings, 2);
        int hidden = (int)word[1];
        int layers = 0;
        while (weights.ContainsKey($"encoder.layer.{layers}.attention.self.query.bias"))
        {
            layers++;
        }
        if (layers == 0)
        {
            throw new InvalidDataException($"{source}: no encoder layers found");
        }
        var integers = new HashSet<long>();
        var floats = new List<double>();
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Constant" && n.TensorAttribute is not null))
        {
            var t = node.TensorAttribute!;
            foreach (long v in t.Integers ?? [])
            {
                integers.Add(v);
            }
            if (t.Floats is { Length: 1 } f)
            {
                floats.Add(f[0]);
            }
        }
        foreach (var t in graph.Initializers.Values.Where(t => t.Integers is { Length: <= 8 }))
        {
            integers.UnionWith(t.Integers!);
        }
        foreach (var t in graph.Initializers.Values.Where(t => t.Floats is { Length: 1 }))
        {
            floats.Add(t.Floats![0]);
        }
        int heads = InferHeads(hidden, integers, floats)
            ?? throw new InvalidDataException($"{source}: cannot tell the number of attention heads from the graph's constants");
        double eps = floats.Where(v => v > 0 && v < 1e-3).DefaultIfEmpty(1e-12).Min();
        bool erf = graph.Nodes.Any(n => n.OpType == "Erf");
        bool tanh = graph.Nodes.Count(n => n.OpType == "Tanh") > (weights.ContainsKey("pooler.dense.weight") ? 1 : 0);
        return new BertConfig
        {
            VocabSize = (int)word[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            IntermediateSize = (int)Shape("encoder.layer.0.intermediate.dense.bias", 1)[0],
            HiddenAct = erf ? "gelu" : tanh ? "gelu_new" : "gelu",
            MaxPositionEmbeddings = (int)Shape("embeddings.position_embeddings.weight", 2)[0],
            TypeVocabSize = (int)Shape("embeddings.token_type_embeddings.weight", 2)[0],
            LayerNormEps = Math.Round(eps, 15),
            HiddenDropoutProb = 0.1,
            AttentionProbsDropoutProb = 0.1,
        };
    }

    // Heads H and head size D appear as reshape constants with H·D = hidden; the attention scale (√D, 1/√D or D^-¼)
    // settles which of the two is the head size.
    private static int? InferHeads(int hidden, HashSet<long> integers, List<double> floats)
    {
        bool Near(double a, double b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b));
        int? best = null;
        int bestScore = -1;
        // Candidates come from the constants, in ascending order, rather than from 2..hidden/2: a forged hidden size
        // of 2^31 must not cost a billion iterations.
        foreach (int heads in integers.Where(v => v >= 2 && v <= hidden / 2).Order().Select(v => (int)v))
        {
            if (hidden % heads != 0 || !integers.Contains(hidden / heads))
            {
                continue;
            }
            int size = hidden / heads;
            int score = floats.Any(f => Near(f, Math.Sqrt(size)) || Near(f, 1 / Math.Sqrt(size)) || Near(f, Math.Pow(size, -0.25))) ? 2 : 1;
            if (score > bestScore)
            {
                best = heads;
                bestScore = score;
            }
        }
        return best;
    }
}

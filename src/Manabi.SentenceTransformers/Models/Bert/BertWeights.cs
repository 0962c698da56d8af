using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>
/// Reads and writes BERT weights in Hugging Face's formats: <c>model.safetensors</c>, or <c>pytorch_model.bin</c>
/// (a pickled state_dict, read by <see cref="PickledStateDict"/>). Keys are HF <c>BertModel</c>'s; a <c>bert.</c> prefix
/// (task checkpoints), old <c>gamma</c>/<c>beta</c> LayerNorm names and non-persistent buffers are tolerated.
/// </summary>
public static class BertWeights
{
    /// <summary>The weight file written by <see cref="Save"/>.</summary>
    public const string SafetensorsFileName = "model.safetensors";

    /// <summary>The legacy pickled weight file, read when no safetensors file exists.</summary>
    public const string PickleFileName = "pytorch_model.bin";

    private static readonly Dictionary<string, string> TransformersMetadata = new() { ["format"] = "pt" };

    /// <summary>Loads an HF model folder (<c>config.json</c> plus <c>model.safetensors</c> or <c>pytorch_model.bin</c>).</summary>
    /// <exception cref="FileNotFoundException">The folder lacks its configuration or weights.</exception>
    /// <exception cref="InvalidDataException">A weight is missing or has the wrong shape; the message names it and the file.</exception>
    public static BertModel LoadModel(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        TorchRuntime.EnsureLoaded();
        var config = BertConfig.Load(Path.Combine(folder, "config.json"));
        string weightsPath = WeightsPath(folder);
        var state = ReadStateDict(weightsPath);
        try
        {
            var normalized = Normalize(state);
            var model = new BertModel(config, addPoolingLayer: normalized.ContainsKey("pooler.dense.weight"));
            CopyInto(model, normalized, weightsPath);
            model.eval();
            return model;
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>The weight file of an HF folder: <c>model.safetensors</c>, else <c>pytorch_model.bin</c>.</summary>
    /// <exception cref="FileNotFoundException">Neither exists.</exception>
    public static string WeightsPath(string folder)
    {
        string safetensors = Path.Combine(folder, SafetensorsFileName);
        string pickle = Path.Combine(folder, PickleFileName);
        return File.Exists(safetensors) ? safetensors
            : File.Exists(pickle) ? pickle
            : throw new FileNotFoundException($"{folder}: no {SafetensorsFileName} or {PickleFileName} in this model folder", safetensors);
    }

    /// <summary>Reads every tensor of a safetensors or pickled state_dict file, by key.</summary>
    /// <exception cref="InvalidDataException">The file cannot be parsed.</exception>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        TorchRuntime.EnsureLoaded();
        try
        {
            return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                ? SafeTensors.Read(path)
                : PickledStateDict.Read(path);
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: cannot read the weights: {e.Message}", e);
        }
    }

    /// <summary>Copies weights by key into a model; every parameter of the model must be present with its shape.</summary>
    /// <exception cref="InvalidDataException">A missing, misshapen or non-finite weight, named with <paramref name="source"/>.</exception>
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> state, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        using var _ = no_grad();
        var missing = model.named_parameters().Select(p => p.name).Where(n => !state.ContainsKey(n)).ToList();
        if (missing.Count > 1)
        {
            throw new InvalidDataException($"{source}: {missing.Count} weights are missing: {string.Join(", ", missing)}");
        }
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!state.TryGetValue(name, out Tensor? value))
            {
                throw new InvalidDataException($"{source}: the weight '{name}' is missing (the file holds {state.Count} tensors: " +
                    $"{string.Join(", ", state.Keys.Order(StringComparer.Ordinal).Take(5))}{(state.Count > 5 ? ", …" : "")})");
            }
            if (!value.shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException(
                    $"{source}: '{name}' has shape [{string.Join(", ", value.shape)}], the model expects [{string.Join(", ", parameter.shape)}]");
            }
            // A NaN or infinite weight makes every embedding NaN without failing anywhere: refuse the file instead.
            if (value.is_floating_point() && !isfinite(value).all().item<bool>())
            {
                throw new InvalidDataException($"{source}: '{name}' holds NaN or infinite values; the weights are damaged");
            }
            parameter.copy_(value.to(parameter.dtype));
        }
    }

    /// <summary>Writes the model's weights as <c>model.safetensors</c> and its <c>config.json</c> into a folder (atomically per file).</summary>
    public static void Save(BertModel model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        model.Config.Save(Path.Combine(folder, "config.json"));
        WriteSafetensors(model, Path.Combine(folder, SafetensorsFileName));
    }

    /// <summary>Writes a module's parameters as a safetensors file (to a temporary file, then renamed).</summary>
    public static void WriteSafetensors(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            state[name] = parameter.detach().contiguous();
        }
        WriteSafetensors(state, path);
    }

    /// <summary>Writes tensors as a safetensors file (to a temporary file, then renamed).</summary>
    public static void WriteSafetensors(Dictionary<string, Tensor> state, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        // transformers refuses safetensors files without __metadata__ {"format": "pt"}.
        SafeTensors.Write(path, state, TransformersMetadata);
    }

    // HF task checkpoints prefix the encoder with "bert."; very old ones name LayerNorm parameters gamma/beta.
    private static Dictionary<string, Tensor> Normalize(Dictionary<string, Tensor> state)
    {
        bool prefixed = state.Keys.Any(k => k.StartsWith("bert.embeddings.", StringComparison.Ordinal));
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in state)
        {
            string name = key;
            if (prefixed)
            {
                if (!name.StartsWith("bert.", StringComparison.Ordinal))
                {
                    continue;
                }
                name = name["bert.".Length..];
            }
            if (name.EndsWith(".gamma", StringComparison.Ordinal))
            {
                name = name[..^".gamma".Length] + ".weight";
            }
            else if (name.EndsWith(".beta", StringComparison.Ordinal))
            {
                name = name[..^".beta".Length] + ".bias";
            }
            result[name] = tensor;
        }
        return result;
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Weights;

/// <summary>Strict, explained loading of state dicts, and the facts about a module's parameters.</summary>
public static class StateDicts
{
    /// <summary>
    /// Copies every tensor of <paramref name="source"/> into the module's parameter or buffer of the same key.
    /// Missing keys, unexpected keys and shape mismatches are all reported at once.
    /// </summary>
    /// <exception cref="ArgumentException">The keys or shapes differ; the message lists the differences.</exception>
    public static void LoadStrict(nn.Module module, IReadOnlyDictionary<string, Tensor> source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var target = module.state_dict();
        var problems = new List<string>();
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing keys: {Summarize(missing)}");
        }
        if (unexpected.Count > 0)
        {
            problems.Add($"unexpected keys: {Summarize(unexpected)}");
        }
        foreach (var (key, tensor) in target)
        {
            if (source.TryGetValue(key, out var value) && !value.shape.SequenceEqual(tensor.shape))
            {
                problems.Add($"'{key}' has shape [{string.Join(',', value.shape)}], the model needs [{string.Join(',', tensor.shape)}]");
            }
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException("The weights do not fit the model: " + string.Join("; ", problems.Take(12)) + (problems.Count > 12 ? $"; and {problems.Count - 12} more" : "") + ".", nameof(source));
        }
        using var noGrad = no_grad();
        foreach (var (key, tensor) in target)
        {
            tensor.copy_(source[key]);
        }
    }

    /// <summary>The number of trainable parameter elements.</summary>
    public static long ParameterCount(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Sum(p => p.numel());
    }

    /// <summary>Every state_dict key with its shape.</summary>
    public static IReadOnlyDictionary<string, long[]> KeyShapes(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
    }

    private static string Summarize(List<string> keys) =>
        string.Join(", ", keys.Take(8)) + (keys.Count > 8 ? $" (and {keys.Count - 8} more)" : "");
}

using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Training;

/// <summary>
/// An exponential moving average of a model's weights, updated as timm's <c>ModelEmaV3</c> updates it: after each
/// optimiser step every floating-point tensor of the state dict (parameters and BatchNorm statistics) moves toward the
/// model's by 1 − d; integer buffers are copied. The warm-up is TensorFlow's <c>ExponentialMovingAverage</c> rule with
/// <c>num_updates</c>, d = min(decay, (1 + updates) / (10 + updates)), not timm's optional power warm-up: it needs no
/// second setting, and the early average does not cling to the random initialisation. Evaluating the average usually
/// scores above the last weights late in training. Its tensors are plain named tensors, saved beside the run's weights
/// so that a resumed run continues it exactly.
/// </summary>
public sealed class WeightAverage : IDisposable
{
    /// <summary>The file a run folder keeps the average in.</summary>
    public const string FileName = "ema.safetensors";

    private const string UpdatesKey = "__updates__";
    private readonly Dictionary<string, Tensor> averages = new(StringComparer.Ordinal);

    /// <summary>Starts an average at <paramref name="model"/>'s current weights.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in (0, 1).</exception>
    public WeightAverage(nn.Module model, double decay)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay > 0 && decay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the decay of a weight average must be in (0, 1)");
        }
        Decay = decay;
        using var noGrad = no_grad();
        foreach (var (name, value) in model.state_dict())
        {
            averages[name] = value.detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>The decay rate at full strength.</summary>
    public double Decay { get; }

    /// <summary>Updates so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Moves the average toward <paramref name="model"/>'s current weights (call after each optimiser step).</summary>
    public void Update(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        double decay = Math.Min(Decay, (1.0 + Updates) / (10.0 + Updates));
        using var noGrad = no_grad();
        foreach (var (name, value) in model.state_dict())
        {
            var average = Average(name);
            if (average.is_floating_point())
            {
                average.lerp_(value, 1 - decay);
            }
            else
            {
                average.copy_(value);
            }
        }
        Updates++;
    }

    /// <summary>Exchanges the model's weights with the average (call twice to restore): evaluate the average in place, exactly.</summary>
    public void Swap(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = no_grad();
        foreach (var (name, value) in model.state_dict())
        {
            var average = Average(name);
            using var held = value.clone();
            value.copy_(average);
            average.copy_(held);
        }
    }

    /// <summary>The average as named tensors (new handles on its storage: disposing them leaves the average intact), plus the update count, for saving.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = averages.ToDictionary(p => p.Key, p => p.Value.alias(), StringComparer.Ordinal);
        result[UpdatesKey] = tensor(Updates);
        return result;
    }

    /// <summary>Restores an average saved by <see cref="StateDict"/>; each tensor keeps its current memory layout.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or of another shape.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> saved, string source)
    {
        ArgumentNullException.ThrowIfNull(saved);
        using var noGrad = no_grad();
        foreach (var (name, average) in averages)
        {
            if (!saved.TryGetValue(name, out var value) || !value.shape.SequenceEqual(average.shape))
            {
                throw new InvalidDataException($"{source}: the weight average has no tensor '{name}' of shape [{string.Join(", ", average.shape)}]");
            }
            average.copy_(value);
        }
        Updates = saved.TryGetValue(UpdatesKey, out var updates) ? updates.item<long>() : 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var value in averages.Values)
        {
            value.Dispose();
        }
        averages.Clear();
    }

    private Tensor Average(string name) => averages.TryGetValue(name, out var average)
        ? average
        : throw new InvalidOperationException($"the model has a tensor '{name}' that the weight average does not");
}

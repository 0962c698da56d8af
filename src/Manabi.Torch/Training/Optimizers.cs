using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Training;

/// <summary>
/// AdamW and SGD with (optionally Nesterov) momentum over named parameters, stepping as PyTorch's <c>AdamW</c> and
/// <c>SGD</c> do, with their state exposed as named tensors so that a checkpoint holds everything an exact resume needs.
/// Parameters that <see cref="UsesWeightDecay"/> rejects get no weight decay.
/// </summary>
public sealed class Optimizer : ITrainingOptimizer
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter, bool Decay)> parameters;
    private readonly TrainingOptions options;
    private readonly Dictionary<string, Tensor> state = new(StringComparer.Ordinal);
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    /// <summary>Creates the optimiser for <paramref name="model"/>'s trainable parameters.</summary>
    public Optimizer(nn.Module model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        parameters = model.named_parameters().Where(p => p.parameter.requires_grad)
            .Select(p => (p.name, p.parameter, UsesWeightDecay(p.name, p.parameter))).ToList();
    }

    /// <summary>Steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>The parameters.</summary>
    public IEnumerable<Parameter> Parameters => parameters.Select(p => p.Parameter);

    /// <summary>
    /// Whether a parameter is decayed: weights of convolutions and linear layers are; norms, biases (any
    /// tensor of one dimension or less), position embeddings and class tokens are not.
    /// </summary>
    public static bool UsesWeightDecay(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        string leaf = name[(name.LastIndexOf('.') + 1)..];
        return parameter.dim() > 1 && leaf is not ("pos_embed" or "cls_token" or "gamma");
    }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p, _) in parameters)
        {
            p.grad = null;
        }
    }

    /// <summary>Applies one update at learning rate <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Steps++;
        foreach (var (name, p, decay) in parameters)
        {
            var grad = p.grad;
            if (grad is null)
            {
                continue;
            }
            double weightDecay = decay ? options.WeightDecay : 0;
            if (options.Optimizer == OptimizerKind.AdamW)
            {
                var m = State(name + ".exp_avg", p);
                var v = State(name + ".exp_avg_sq", p);
                if (weightDecay > 0)
                {
                    p.mul_(1 - learningRate * weightDecay);
                }
                m.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
                v.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
                double correction1 = 1 - Math.Pow(Beta1, Steps);
                double correction2 = 1 - Math.Pow(Beta2, Steps);
                var denominator = v.sqrt().div_(Math.Sqrt(correction2)).add_(Epsilon);
                p.addcdiv_(m, denominator, value: -learningRate / correction1);
            }
            else
            {
                var g = weightDecay > 0 ? grad.add(p, alpha: weightDecay) : grad;
                var buffer = State(name + ".momentum_buffer", p, copyOf: Steps == 1 ? g : null);
                if (Steps > 1)
                {
                    buffer.mul_(options.Momentum).add_(g);
                }
                // PyTorch's Nesterov form: step along the gradient plus the momentum-scaled new buffer.
                p.add_(options.Nesterov ? g.add(buffer, alpha: options.Momentum) : buffer, alpha: -learningRate);
            }
        }
    }

    private Tensor State(string key, Tensor like, Tensor? copyOf = null)
    {
        if (!state.TryGetValue(key, out var value))
        {
            value = copyOf is null ? zeros_like(like) : copyOf.detach().clone();
            value.DetachFromDisposeScope();
            state[key] = value;
        }
        return value;
    }

    /// <summary>The optimiser state as named tensors, plus the step count.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>(state, StringComparer.Ordinal)
        {
            ["__steps__"] = tensor(Steps),
        };
        return result;
    }

    /// <summary>
    /// Restores state saved by <see cref="StateDict"/>. Each per-parameter tensor takes its parameter's memory layout
    /// (checkpoints are written contiguous; a channels-last weight keeps channels-last moments).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        foreach (var value in state.Values)
        {
            value.Dispose();
        }
        state.Clear();
        var byName = parameters.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (key, value) in saved)
        {
            if (key == "__steps__")
            {
                Steps = value.item<long>();
                continue;
            }
            // Keys are "<parameter name>.<state name>", as State() writes them.
            int dot = key.LastIndexOf('.');
            var copy = dot > 0 && byName.TryGetValue(key[..dot], out var parameter) && parameter.shape.SequenceEqual(value.shape)
                ? empty_like(parameter).copy_(value)
                : value.clone();
            copy.DetachFromDisposeScope();
            state[key] = copy;
        }
    }
}

/// <summary>A linear warm-up from 0 to the peak rate, then a cosine decay to the final rate.</summary>
public sealed record CosineSchedule(double PeakRate, double FinalRate, long WarmupSteps, long TotalSteps)
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based).</summary>
    public double Rate(long step)
    {
        if (step < WarmupSteps)
        {
            return PeakRate * (step + 1) / WarmupSteps;
        }
        long decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        return FinalRate + (PeakRate - FinalRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

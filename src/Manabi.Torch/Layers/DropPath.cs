using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>
/// Stochastic depth: in training, drops a residual branch for whole samples with probability
/// <see cref="Probability"/> and scales the kept ones by 1/(1−p); the identity in evaluation.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="probability">The probability of dropping a sample's branch, in [0, 1).</param>
    public DropPath(double probability) : base(nameof(DropPath))
    {
        if (probability is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The drop-path probability must be in [0, 1).");
        }
        Probability = probability;
    }

    /// <summary>The probability of dropping a sample's branch.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (!training || Probability == 0)
        {
            return input.alias();
        }
        using var scope = NewDisposeScope();
        double keep = 1 - Probability;
        long[] shape = [input.shape[0], .. Enumerable.Repeat(1L, (int)input.dim() - 1)];
        var mask = empty(shape, input.dtype, input.device).bernoulli_(keep).div_(keep);
        return (input * mask).MoveToOuterDisposeScope();
    }
}

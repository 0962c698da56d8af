using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// SimSiam's symmetric negative cosine (Chen and He 2021): ½D(p₁, z₂) + ½D(p₂, z₁) with D(p, z) = −cos(p, sg(z)),
/// p the predictor's outputs and z the projector's. The stop-gradient sg is what prevents collapse; it can be
/// switched off to demonstrate that. The loss lies in [−1, 1]; −1 is perfect agreement.
/// </summary>
public sealed class SimSiamLoss
{
    /// <summary>Creates the loss.</summary>
    public SimSiamLoss(bool stopGradient = true) => StopGradient = stopGradient;

    /// <summary>Whether the projections are detached (the SimSiam recipe).</summary>
    public bool StopGradient { get; }

    /// <summary>The loss of the two views' predictions and projections, each (N, d).</summary>
    public Tensor Compute(Tensor firstPrediction, Tensor secondPrediction, Tensor firstProjection, Tensor secondProjection)
    {
        ArgumentNullException.ThrowIfNull(firstPrediction);
        ArgumentNullException.ThrowIfNull(secondPrediction);
        ArgumentNullException.ThrowIfNull(firstProjection);
        ArgumentNullException.ThrowIfNull(secondProjection);
        using var scope = NewDisposeScope();
        var loss = 0.5 * NegativeCosine(firstPrediction, secondProjection) + 0.5 * NegativeCosine(secondPrediction, firstProjection);
        return loss.MoveToOuterDisposeScope();
    }

    private Tensor NegativeCosine(Tensor p, Tensor z)
    {
        var target = StopGradient ? z.detach() : z;
        return -nn.functional.cosine_similarity(p, target, dim: 1).mean();
    }
}

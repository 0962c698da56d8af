using static TorchSharp.torch;

namespace Manabi.Torch.Losses;

/// <summary>
/// SimCLR's normalised temperature-scaled cross-entropy (Chen et al. 2020): the 2N projections of N images'
/// two views are L2-normalised; each view must pick its partner among the other 2N − 1 by cosine similarity
/// divided by <see cref="Temperature"/>; the cross-entropy is averaged over all 2N views.
/// </summary>
public sealed class NTXentLoss
{
    /// <summary>Creates the loss.</summary>
    public NTXentLoss(double temperature = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        Temperature = temperature;
    }

    /// <summary>The temperature τ.</summary>
    public double Temperature { get; }

    /// <summary>The loss of the two views' projections, (N, d) each, row i of both from the same image.</summary>
    public Tensor Compute(Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.dim() != 2 || !first.shape.SequenceEqual(second.shape))
        {
            throw new ArgumentException($"NT-Xent needs two (N, d) views of equal shape; got [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}].", nameof(second));
        }
        using var scope = NewDisposeScope();
        long n = first.shape[0];
        var z = nn.functional.normalize(cat([first, second], 0), p: 2, dim: 1, eps: 1e-12);
        var logits = z.matmul(z.t()) / Temperature;
        // A view is never its own candidate.
        logits = logits.masked_fill(eye(2 * n, dtype: ScalarType.Bool, device: z.device), double.NegativeInfinity);
        var partner = cat([arange(n, 2 * n, dtype: ScalarType.Int64, device: z.device), arange(0, n, dtype: ScalarType.Int64, device: z.device)], 0);
        return nn.functional.cross_entropy(logits, partner).MoveToOuterDisposeScope();
    }
}

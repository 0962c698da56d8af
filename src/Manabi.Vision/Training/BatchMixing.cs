using Manabi.Vision.Data;
using static TorchSharp.torch;

namespace Manabi.Vision.Training;

/// <summary>
/// A training batch after Mixup or CutMix: the images, and the two label sets whose losses are weighted by
/// <see cref="Lambda"/> and 1 − <see cref="Lambda"/> (timm's mixed soft targets, written as two cross-entropies).
/// </summary>
/// <param name="Images">The mixed images (the input batch itself when nothing was mixed).</param>
/// <param name="Labels">The original labels.</param>
/// <param name="PartnerLabels">The labels of the images mixed in: the batch reversed, as timm pairs them.</param>
/// <param name="Lambda">The weight of <paramref name="Labels"/>; 1 when nothing was mixed.</param>
/// <param name="Kind">What was applied.</param>
public sealed record MixedBatch(Tensor Images, Tensor Labels, Tensor PartnerLabels, double Lambda, BatchMixKind Kind)
{
    /// <summary>The mixed loss: λ·loss(labels) + (1 − λ)·loss(partner labels).</summary>
    public Tensor Loss(Func<Tensor, Tensor> lossOf)
    {
        ArgumentNullException.ThrowIfNull(lossOf);
        if (Kind == BatchMixKind.None)
        {
            return lossOf(Labels);
        }
        using var own = lossOf(Labels);
        using var partner = lossOf(PartnerLabels);
        return own.mul(Lambda).add_(partner, alpha: 1 - Lambda);
    }
}

/// <summary>Which batch mixing a <see cref="MixedBatch"/> went through.</summary>
public enum BatchMixKind
{
    /// <summary>None.</summary>
    None,

    /// <summary>Mixup: every pixel blended.</summary>
    Mixup,

    /// <summary>CutMix: a box replaced.</summary>
    Cutmix,
}

/// <summary>
/// Mixup and CutMix as timm's <c>Mixup</c> applies them per batch (<c>mode="batch"</c>, <c>correct_lam=True</c>):
/// each image is paired with the image at the mirrored position of the batch; λ ~ Beta(α, α); with both enabled,
/// CutMix is chosen with probability 0.5; CutMix's box has area (1 − λ) of the image, centred uniformly and clipped at
/// the border, and λ is then corrected to the area actually kept. Randomness comes from the seed alone, so a resumed
/// run mixes its batches exactly as before.
/// </summary>
public static class BatchMixing
{
    /// <summary>Mixes <paramref name="images"/> <c>[batch, channels, height, width]</c>; returns them unchanged when both alphas are 0.</summary>
    public static MixedBatch Mix(Tensor images, Tensor labels, double mixupAlpha, double cutmixAlpha, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.dim() != 4)
        {
            throw new ArgumentException($"images must be [batch, channels, height, width], got [{string.Join(", ", images.shape)}]", nameof(images));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(mixupAlpha);
        ArgumentOutOfRangeException.ThrowIfNegative(cutmixAlpha);
        if (mixupAlpha == 0 && cutmixAlpha == 0)
        {
            return new MixedBatch(images, labels, labels, 1.0, BatchMixKind.None);
        }
        var random = new Random(seed);
        bool cutmix = cutmixAlpha > 0 && (mixupAlpha == 0 || random.NextDouble() < 0.5);
        double lambda = SampleBeta(random, cutmix ? cutmixAlpha : mixupAlpha);
        using var partner = images.flip(0);
        var partnerLabels = labels.flip(0);
        if (!cutmix)
        {
            var blended = images.mul(lambda).add_(partner, alpha: 1 - lambda);
            return new MixedBatch(blended, labels, partnerLabels, lambda, BatchMixKind.Mixup);
        }
        long height = images.shape[2], width = images.shape[3];
        double ratio = Math.Sqrt(1 - lambda);
        long cutHeight = (long)(height * ratio), cutWidth = (long)(width * ratio);
        long centreY = random.NextInt64(height), centreX = random.NextInt64(width);
        long top = Math.Clamp(centreY - cutHeight / 2, 0, height), bottom = Math.Clamp(centreY + cutHeight / 2, 0, height);
        long left = Math.Clamp(centreX - cutWidth / 2, 0, width), right = Math.Clamp(centreX + cutWidth / 2, 0, width);
        var mixed = images.clone();
        if (bottom > top && right > left)
        {
            using var patch = partner[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(top, bottom), TensorIndex.Slice(left, right)];
            mixed[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(top, bottom), TensorIndex.Slice(left, right)] = patch;
        }
        double kept = 1 - (double)((bottom - top) * (right - left)) / (height * width);
        return new MixedBatch(mixed, labels, partnerLabels, kept, BatchMixKind.Cutmix);
    }

    /// <summary>A Beta(α, α) draw from two Gamma(α) draws (Marsaglia and Tsang; α &lt; 1 boosted by U^(1/α)).</summary>
    internal static double SampleBeta(Random random, double alpha)
    {
        double x = SampleGamma(random, alpha), y = SampleGamma(random, alpha);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    private static double SampleGamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return SampleGamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = SeededDraws.Normal(random);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }
}

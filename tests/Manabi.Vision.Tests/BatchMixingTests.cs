using Manabi.Torch.Runtime;
using Manabi.Vision.Training;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

/// <summary>
/// <see cref="BatchMixing"/>: Mixup blends each image with its mirrored partner by λ, CutMix pastes one box whose area is
/// 1 − λ, both are reproducible from the seed, and the mixed loss weights the two label sets by λ.
/// </summary>
public sealed class BatchMixingTests
{
    // Eight distinct images, so that every image differs from its partner at every pixel.
    private static Tensor Images() => arange(8 * 1 * 10 * 12, dtype: ScalarType.Float32).reshape(8, 1, 10, 12).div_(100);

    private static Tensor Labels() => tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 });

    [Fact]
    public void Without_alphas_the_batch_is_unchanged()
    {
        TorchRuntime.EnsureLoaded();
        using var images = Images();
        using var labels = Labels();
        var mixed = BatchMixing.Mix(images, labels, 0, 0, seed: 3);
        Assert.Equal(BatchMixKind.None, mixed.Kind);
        Assert.Same(images, mixed.Images);
        Assert.Equal(1.0, mixed.Lambda);
    }

    [Fact]
    public void Mixup_blends_each_image_with_its_mirrored_partner_by_lambda()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var images = Images();
        var labels = Labels();
        var mixed = BatchMixing.Mix(images, labels, mixupAlpha: 0.8, cutmixAlpha: 0, seed: 11);
        Assert.Equal(BatchMixKind.Mixup, mixed.Kind);
        Assert.InRange(mixed.Lambda, 0, 1);
        var expected = images * mixed.Lambda + images.flip(0) * (1 - mixed.Lambda);
        Assert.True(mixed.Images.allclose(expected, rtol: 1e-6, atol: 1e-6));
        Assert.Equal(new long[] { 7, 6, 5, 4, 3, 2, 1, 0 }, mixed.PartnerLabels.data<long>().ToArray());
        // The same seed mixes the same way (a resumed run repeats its batches); another seed draws another weight.
        Assert.Equal(mixed.Lambda, BatchMixing.Mix(images, labels, 0.8, 0, seed: 11).Lambda);
        Assert.NotEqual(mixed.Lambda, BatchMixing.Mix(images, labels, 0.8, 0, seed: 12).Lambda);
    }

    [Fact]
    public void Cutmix_pastes_one_box_whose_area_is_one_minus_lambda()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var images = Images();
        var partner = images.flip(0);
        int boxes = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            var mixed = BatchMixing.Mix(images, Labels(), mixupAlpha: 0, cutmixAlpha: 1.0, seed);
            Assert.Equal(BatchMixKind.Cutmix, mixed.Kind);
            var fromPartner = mixed.Images.eq(partner);
            var fromSelf = mixed.Images.eq(images);
            Assert.True(fromPartner.logical_or(fromSelf).all().item<bool>(), $"seed {seed}: a pixel came from neither image");
            // The same pixels are replaced in every image, and their share is 1 - lambda.
            double replaced = fromPartner.to(ScalarType.Float32).mean().item<float>();
            Assert.Equal(1 - mixed.Lambda, replaced, 6);
            if (replaced > 0)
            {
                boxes++;
                var rows = fromPartner[0, 0].any(1).nonzero().squeeze(1).data<long>().ToArray();
                var columns = fromPartner[0, 0].any(0).nonzero().squeeze(1).data<long>().ToArray();
                Assert.Equal(rows.Length * columns.Length, fromPartner[0, 0].sum().item<long>()); // one rectangle
            }
        }
        Assert.True(boxes > 20, $"only {boxes} of 40 draws pasted a box");
    }

    [Fact]
    public void With_both_alphas_each_batch_uses_one_of_the_two()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var kinds = Enumerable.Range(0, 200).Select(seed => BatchMixing.Mix(Images(), Labels(), 0.8, 1.0, seed).Kind).ToList();
        int cutmix = kinds.Count(k => k == BatchMixKind.Cutmix);
        Assert.Equal(200, cutmix + kinds.Count(k => k == BatchMixKind.Mixup));
        Assert.InRange(cutmix, 70, 130);
    }

    [Fact]
    public void The_mixed_loss_weights_both_label_sets_by_lambda()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var mixed = BatchMixing.Mix(Images(), Labels(), 0.8, 0, seed: 5);
        var logits = randn(8, 8, generator: new TorchSharp.torch.Generator(1));
        var loss = mixed.Loss(labels => nn.functional.cross_entropy(logits, labels, label_smoothing: 0.1));
        double expected = mixed.Lambda * nn.functional.cross_entropy(logits, mixed.Labels, label_smoothing: 0.1).item<float>()
            + (1 - mixed.Lambda) * nn.functional.cross_entropy(logits, mixed.PartnerLabels, label_smoothing: 0.1).item<float>();
        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void Beta_draws_have_the_distributions_mean_and_variance()
    {
        foreach (double alpha in new[] { 0.2, 0.8, 1.0, 3.0 })
        {
            var random = new Random(7);
            double[] draws = Enumerable.Range(0, 40000).Select(_ => BatchMixing.SampleBeta(random, alpha)).ToArray();
            double mean = draws.Average();
            double variance = draws.Sum(d => (d - mean) * (d - mean)) / draws.Length;
            Assert.All(draws, d => Assert.InRange(d, 0, 1));
            Assert.InRange(mean, 0.49, 0.51);
            double expectedVariance = 1 / (4 * (2 * alpha + 1)); // Beta(a, a)
            Assert.InRange(variance, expectedVariance * 0.95, expectedVariance * 1.05);
        }
    }
}

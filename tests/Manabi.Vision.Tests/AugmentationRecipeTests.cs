using Manabi.Numerics.Datasets;
using Manabi.Torch.Runtime;
using Manabi.Vision.Data;

namespace Manabi.Vision.Tests;

/// <summary>
/// Random erasing and TrivialAugment in <see cref="BatchLoader"/>: each TrivialAugment operation does what
/// torchvision's does on small known images, erasing hits about the expected share of images with boxes in timm's
/// area range, both are reproducible from (seed, epoch, batch), and evaluation (<see cref="Augmentation.WithoutRandomness"/>)
/// is untouched.
/// </summary>
public sealed class AugmentationRecipeTests
{
    private static readonly float[] Mean = [0.286f], Std = [0.353f];

    private static ImageDataset FashionMnist300()
    {
        string? folder = FashionMnist.Locate();
        Assert.True(folder is not null, $"Fashion-MNIST is needed by this test but absent. {FashionMnist.InstallHint}");
        return FashionMnist.Load(false, folder).Subset(300, 1);
    }

    private static byte[] Apply(TrivialAugmentOp op, double magnitude, byte[] image, int channels, int height, int width)
    {
        var copy = (byte[])image.Clone();
        TrivialAugment.Apply(op, magnitude, copy, channels, height, width);
        return copy;
    }

    private static byte[] RandomImage(int length, int seed)
    {
        var image = new byte[length];
        new Random(seed).NextBytes(image);
        return image;
    }

    [Fact]
    public void Magnitude_bins_span_torchvisions_wide_ranges()
    {
        Assert.Equal(0, TrivialAugment.Magnitude(TrivialAugmentOp.ShearX, 0));
        Assert.Equal(0.99, TrivialAugment.Magnitude(TrivialAugmentOp.ShearY, 30), 12);
        Assert.Equal(32, TrivialAugment.Magnitude(TrivialAugmentOp.TranslateX, 30), 12);
        Assert.Equal(135, TrivialAugment.Magnitude(TrivialAugmentOp.Rotate, 30), 12);
        Assert.Equal(8, TrivialAugment.Magnitude(TrivialAugmentOp.Posterize, 0));
        Assert.Equal(2, TrivialAugment.Magnitude(TrivialAugmentOp.Posterize, 30));
        Assert.Equal(255, TrivialAugment.Magnitude(TrivialAugmentOp.Solarize, 0), 12);
        Assert.Equal(0, TrivialAugment.Magnitude(TrivialAugmentOp.Solarize, 30), 12);
        Assert.Equal(0, TrivialAugment.Magnitude(TrivialAugmentOp.Equalize, 17));
        Assert.True(TrivialAugment.IsSigned(TrivialAugmentOp.Rotate));
        Assert.False(TrivialAugment.IsSigned(TrivialAugmentOp.Solarize));
    }

    [Fact]
    public void Identity_and_zero_magnitudes_leave_the_image_alone()
    {
        var image = RandomImage(3 * 6 * 5, 1);
        Assert.Equal(image, Apply(TrivialAugmentOp.Identity, 0, image, 3, 6, 5));
        foreach (var op in new[] { TrivialAugmentOp.ShearX, TrivialAugmentOp.ShearY, TrivialAugmentOp.TranslateX, TrivialAugmentOp.Rotate,
            TrivialAugmentOp.Brightness, TrivialAugmentOp.Color, TrivialAugmentOp.Contrast, TrivialAugmentOp.Sharpness })
        {
            Assert.Equal(image, Apply(op, 0, image, 3, 6, 5));
        }
        Assert.Equal(image, Apply(TrivialAugmentOp.Posterize, 8, image, 3, 6, 5));
        Assert.Equal(image[..30], Apply(TrivialAugmentOp.Color, 0.7, image[..30], 1, 6, 5)); // saturation means nothing on one channel
    }

    [Fact]
    public void Geometric_operations_move_pixels_and_fill_with_zero()
    {
        // Values 1..16 on a 4×4 image, so every moved pixel can be traced and 0 marks the fill.
        byte[] image = [.. Enumerable.Range(1, 16).Select(v => (byte)v)];
        var translated = Apply(TrivialAugmentOp.TranslateX, 1.7, image, 1, 4, 4); // int(1.7) = 1 pixel right
        Assert.Equal(new byte[] { 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15 }, translated);
        var up = Apply(TrivialAugmentOp.TranslateY, -2, image, 1, 4, 4);
        Assert.Equal(new byte[] { 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0, 0, 0, 0, 0, 0 }, up);
        // torchvision rotates counter-clockwise: out[y, x] = in[x, w - 1 - y] for 90°.
        var rotated = Apply(TrivialAugmentOp.Rotate, 90, image, 1, 4, 4);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(image[x * 4 + 3 - y], rotated[y * 4 + x]);
            }
        }
        // Shear about the top-left corner: row y reads from x + m (y + 0.5); row 0 with m = 0.5 shifts by round(0.25) = 0.
        var sheared = Apply(TrivialAugmentOp.ShearX, 0.5, image, 1, 4, 4);
        Assert.Equal(image[..4], sheared[..4]);
        Assert.Equal(new byte[] { 15, 16, 0, 0 }, sheared[12..]); // row 3 reads x + round(1.75) = x + 2
        var big = RandomImage(3 * 9 * 7, 2);
        foreach (var (op, magnitude) in new[] { (TrivialAugmentOp.ShearX, -0.99), (TrivialAugmentOp.ShearY, 0.6), (TrivialAugmentOp.Rotate, -135.0),
            (TrivialAugmentOp.TranslateX, 32.0), (TrivialAugmentOp.TranslateY, 3.0) })
        {
            var moved = Apply(op, magnitude, big, 3, 9, 7);
            var allowed = big.Append((byte)0).ToHashSet();
            Assert.All(moved, v => Assert.Contains(v, allowed));
        }
    }

    [Fact]
    public void Colour_operations_are_exact_on_tiny_images()
    {
        byte[] image = [0, 100, 128, 200];
        Assert.Equal(new byte[] { 0, 100, 127, 55 }, Apply(TrivialAugmentOp.Solarize, 128, image, 1, 2, 2));
        Assert.Equal(new byte[] { 255, 155, 127, 55 }, Apply(TrivialAugmentOp.Solarize, 0, image, 1, 2, 2));
        Assert.Equal(new byte[] { 0, 96, 128, 192 }, Apply(TrivialAugmentOp.Posterize, 4, image, 1, 2, 2));
        Assert.Equal(new byte[] { 0, 64, 128, 192 }, Apply(TrivialAugmentOp.Posterize, 2, image, 1, 2, 2));
        Assert.Equal(new byte[] { 0, 150, 192, 255 }, Apply(TrivialAugmentOp.Brightness, 0.5, image, 1, 2, 2));
        Assert.Equal(new byte[] { 107, 107, 107, 107 }, Apply(TrivialAugmentOp.Contrast, -1, image, 1, 2, 2)); // mean 107
        // Autocontrast stretches each channel on its own: (v - min) * 255 / (max - min).
        byte[] two = [10, 20, 61, 61, 5, 5, 5, 5];
        Assert.Equal(new byte[] { 0, 50, 255, 255, 5, 5, 5, 5 }, Apply(TrivialAugmentOp.AutoContrast, 0, two, 2, 2, 2));
        // Colour at magnitude -1 leaves the grey image in every channel.
        byte[] rgb = [200, 0, 0, 200, 0, 0];
        var grey = Apply(TrivialAugmentOp.Color, -1, rgb, 3, 1, 2);
        Assert.Equal(new byte[] { 59, 117, 59, 117, 59, 117 }, grey);
    }

    [Fact]
    public void Equalize_and_sharpness_follow_torchvision()
    {
        // 256 pixels: 128 of 10, 127 of 20, 1 of 30; step = (256 - 1) / 255 = 1, so each level maps to the count below it.
        var image = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            image[i] = i < 128 ? (byte)10 : i < 255 ? (byte)20 : (byte)30;
        }
        var equalized = Apply(TrivialAugmentOp.Equalize, 0, image, 1, 16, 16);
        Assert.Equal(0, equalized[0]);
        Assert.Equal(128, equalized[200]);
        Assert.Equal(255, equalized[255]);
        // Too few pixels for a step: unchanged.
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Apply(TrivialAugmentOp.Equalize, 0, [1, 2, 3, 4], 1, 2, 2));
        // Sharpness on a 3×3 image: only the centre is smoothed ((5·130 + 8·0) / 13 = 50); ratio 2 pushes it to 2·130 − 50.
        var dot = new byte[9];
        dot[4] = 130;
        Assert.Equal(210, Apply(TrivialAugmentOp.Sharpness, 1, dot, 1, 3, 3)[4]);
        Assert.Equal(50, Apply(TrivialAugmentOp.Sharpness, -1, dot, 1, 3, 3)[4]);
        Assert.Equal(0, Apply(TrivialAugmentOp.Sharpness, -1, dot, 1, 3, 3)[0]);
    }

    [Fact]
    public void Augmented_batches_are_reproducible_and_evaluation_batches_untouched()
    {
        TorchRuntime.EnsureLoaded();
        var data = FashionMnist300();
        var augmentation = new Augmentation(Mean, Std, CropPadding: 2, HorizontalFlip: true, ErasingProbability: 0.5, TrivialAugment: true);
        var loader = new BatchLoader(data, 64, augmentation, shuffle: true, seed: 7);
        var all = loader.Epoch(3).ToList();
        var again = loader.Epoch(3).ToList();
        var resumed = loader.Epoch(3, firstBatch: 2).ToList();
        var plainCropFlip = new BatchLoader(data, 64, augmentation with { ErasingProbability = 0, TrivialAugment = false }, shuffle: true, seed: 7).Epoch(3).ToList();
        for (int b = 0; b < all.Count; b++)
        {
            Assert.True(all[b].Images.equal(again[b].Images).all().item<bool>());
            Assert.False(all[b].Images.equal(plainCropFlip[b].Images).all().item<bool>());
        }
        Assert.True(all[2].Images.equal(resumed[0].Images).all().item<bool>());
        Assert.True(all[4].Images.equal(resumed[2].Images).all().item<bool>());

        var evaluation = augmentation.WithoutRandomness();
        Assert.Equal((0, false, 0.0, false), (evaluation.CropPadding, evaluation.HorizontalFlip, evaluation.ErasingProbability, evaluation.TrivialAugment));
        var evaluated = new BatchLoader(data, 64, evaluation, shuffle: false, seed: 7).Epoch(0).First();
        var plain = new BatchLoader(data, 64, new Augmentation(Mean, Std), shuffle: false, seed: 7).Epoch(0).First();
        Assert.True(evaluated.Images.equal(plain.Images).all().item<bool>());
        foreach (var batch in all.Concat(again).Concat(resumed).Concat(plainCropFlip).Append(evaluated).Append(plain))
        {
            batch.Dispose();
        }
    }

    [Fact]
    public void Erasing_hits_about_the_expected_share_of_images_with_boxes_in_range()
    {
        TorchRuntime.EnsureLoaded();
        var data = FashionMnist300();
        using var plain = new BatchLoader(data, 300, new Augmentation(Mean, Std), shuffle: false, seed: 3).Epoch(0).Single();
        using var erased = new BatchLoader(data, 300, new Augmentation(Mean, Std, ErasingProbability: 0.5), shuffle: false, seed: 3).Epoch(0).Single();
        var a = plain.Images.data<float>().ToArray();
        var b = erased.Images.data<float>().ToArray();
        int hit = 0;
        for (int i = 0; i < 300; i++)
        {
            int top = 28, bottom = -1, left = 28, right = -1, changed = 0;
            for (int p = 0; p < 784; p++)
            {
                if (a[i * 784 + p] != b[i * 784 + p])
                {
                    changed++;
                    (top, bottom, left, right) = (Math.Min(top, p / 28), Math.Max(bottom, p / 28), Math.Min(left, p % 28), Math.Max(right, p % 28));
                }
            }
            if (changed == 0)
            {
                continue;
            }
            hit++;
            int h = bottom - top + 1, w = right - left + 1;
            double fraction = h * w / 784.0, ratio = (double)h / w;
            Assert.InRange(fraction, 0.02, 1.0 / 3);
            Assert.InRange(ratio, 0.3 * 0.7, 3.34 / 0.7); // rounding of small sides moves the ratio a little
            Assert.True(changed >= h * w * 0.99, "the erased box is noise throughout");
        }
        // Binomial(300, 0.5): 150 ± 8.7; a box that never fits in 10 tries is rare on 28×28.
        Assert.InRange(hit, 110, 190);
    }

    [Fact]
    public void Rgb_and_grayscale_images_both_augment()
    {
        TorchRuntime.EnsureLoaded();
        foreach (int channels in new[] { 1, 3 })
        {
            var pixels = RandomImage(40 * channels * 12 * 10, channels);
            var data = new ImageDataset(pixels, [.. Enumerable.Range(0, 40).Select(i => i % 2)], channels, 12, 10, ["a", "b"]);
            var augmentation = new Augmentation([.. Enumerable.Repeat(0.5f, channels)], [.. Enumerable.Repeat(0.25f, channels)],
                ErasingProbability: 0.3, TrivialAugment: true);
            var loader = new BatchLoader(data, 16, augmentation, shuffle: true, seed: 11);
            var batches = loader.Epoch(0).ToList();
            Assert.Equal(new long[] { 16, channels, 12, 10 }, batches[0].Images.shape);
            Assert.True(batches.All(batch => batch.Images.isfinite().all().item<bool>()));
            using var first = loader.Epoch(0).First();
            Assert.True(first.Images.equal(batches[0].Images).all().item<bool>());
            foreach (var batch in batches)
            {
                batch.Dispose();
            }
        }
    }

    [Fact]
    public void Crop_and_flip_shift_or_mirror_each_normalised_image_with_black_shifted_in()
    {
        // Each training image must be one of the (2 pad + 1)^2 shifts of its source, mirrored or not, computed here
        // independently of the loader; pixels from outside the image are black (0) before normalisation.
        TorchRuntime.EnsureLoaded();
        const int channels = 3, height = 6, width = 5, pad = 2, count = 24;
        float[] mean = [0.2f, 0.5f, 0.7f], std = [0.3f, 0.25f, 0.4f];
        var pixels = RandomImage(count * channels * height * width, 3);
        // Each image is its own class, so a batch's labels say which source each image came from.
        var data = new ImageDataset(pixels, [.. Enumerable.Range(0, count)], channels, height, width, [.. Enumerable.Range(0, count).Select(i => $"c{i}")]);
        float[] Expected(int source, int dy, int dx, bool flip)
        {
            var image = new float[channels * height * width];
            for (int ch = 0; ch < channels; ch++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int sy = y + dy, sx = (flip ? width - 1 - x : x) + dx;
                        byte value = sy >= 0 && sy < height && sx >= 0 && sx < width ? pixels[((source * channels + ch) * height + sy) * width + sx] : (byte)0;
                        image[(ch * height + y) * width + x] = (value / 255f - mean[ch]) / std[ch];
                    }
                }
            }
            return image;
        }
        using var batch = new BatchLoader(data, count, new Augmentation(mean, std, CropPadding: pad, HorizontalFlip: true), shuffle: true, seed: 4).Epoch(0).First();
        var images = batch.Images.data<float>().ToArray();
        var labels = batch.Labels.data<long>().ToArray();
        int shifted = 0, mirrored = 0;
        for (int i = 0; i < count; i++)
        {
            var actual = images.AsSpan(i * channels * height * width, channels * height * width).ToArray();
            var match = (from dy in Enumerable.Range(-pad, 2 * pad + 1)
                         from dx in Enumerable.Range(-pad, 2 * pad + 1)
                         from flip in new[] { false, true }
                         let expected = Expected((int)labels[i], dy, dx, flip)
                         where expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() < 1e-5f
                         select (dy, dx, flip)).ToList();
            Assert.True(match.Count > 0, $"image {i} (source {labels[i]}) is no shift or mirror of its source");
            shifted += match[0].dy != 0 || match[0].dx != 0 ? 1 : 0;
            mirrored += match[0].flip ? 1 : 0;
        }
        // The draws are random: with 24 images, some are shifted and some mirrored, and not all are mirrored.
        Assert.InRange(shifted, 1, count);
        Assert.InRange(mirrored, 1, count - 1);
    }

    [Fact]
    public void The_loader_refuses_an_erasing_probability_outside_zero_to_one()
    {
        var data = new ImageDataset(new byte[4], [0], 1, 2, 2, ["a"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(data, 1, new Augmentation([0f], [1f], ErasingProbability: 1.5), true, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(data, 1, new Augmentation([0f], [1f], ErasingProbability: double.NaN), true, 0));
    }
}

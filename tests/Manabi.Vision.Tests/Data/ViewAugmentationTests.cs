using Manabi.Torch.Data;
using Manabi.Torch.Runtime;
using Manabi.Vision.Data;
using System.Diagnostics;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests.Data;

public sealed class ViewAugmentationTests(ITestOutputHelper output)
{
    private static readonly ViewAugmentationOptions Off = ViewAugmentationOptions.None;

    private static ViewAugmentation Make(ViewAugmentationOptions options, int channels = 1) =>
        new(options, Enumerable.Repeat(0.25f, channels).ToArray(), Enumerable.Repeat(0.5f, channels).ToArray());

    private static Tensor Normalise(Tensor x, float mean = 0.25f, float std = 0.5f) => (x - mean) / std;

    private static float MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static Tensor Pixels(long seed, params long[] shape)
    {
        using var generator = new Generator((ulong)seed);
        return rand(shape, generator: generator);
    }

    private static AugmentationParameters Same(int count, ImageAugmentationParameters p) => new(Enumerable.Repeat(p, count).ToArray(), 0);

    [Fact]
    public void With_every_probability_zero_the_output_is_the_normalised_input()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var images = Pixels(1, 4, 1, 28, 28);
        Assert.True(MaxAbs(Make(Off with { MinCropScale = 1, MinAspectRatio = 1, MaxAspectRatio = 1 }).Apply(images, 3), Normalise(images)) <= 1e-5);
        // A forced crop of scale 1..1 and aspect 1..1 is the whole image, so it too goes through grid_sample unchanged.
        var wholeCrop = Off with { CropProbability = 1, MinCropScale = 1, MaxCropScale = 1, MinAspectRatio = 1, MaxAspectRatio = 1 };
        Assert.True(MaxAbs(Make(wholeCrop).Apply(images, 3), Normalise(images)) <= 1e-5);
        // Several channels, non-square: per-channel normalisation and the grid's x/y order.
        var colour = Pixels(2, 2, 3, 8, 10);
        var augmentation = new ViewAugmentation(Off, [0.1f, 0.2f, 0.3f], [0.5f, 0.25f, 2f]);
        var expected = (colour - tensor(new[] { 0.1f, 0.2f, 0.3f }).view(1, 3, 1, 1)) / tensor(new[] { 0.5f, 0.25f, 2f }).view(1, 3, 1, 1);
        Assert.True(MaxAbs(augmentation.Apply(colour, 0), expected) <= 1e-5);
    }

    [Fact]
    public void A_certain_flip_mirrors_every_image_along_the_width()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var images = Pixels(4, 5, 1, 28, 28);
        Assert.True(MaxAbs(Make(Off with { FlipProbability = 1 }).Apply(images, 9), Normalise(images.flip(3))) <= 1e-5);
        var wide = Pixels(5, 2, 1, 6, 9);
        Assert.True(MaxAbs(Make(Off with { FlipProbability = 1 }).Apply(wide, 9), Normalise(wide.flip(3))) <= 1e-5);
    }

    [Fact]
    public void A_crop_is_the_bilinear_resize_of_that_region()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var pattern = new float[64];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                pattern[y * 8 + x] = (3 * y + 5 * x) % 7 / 6f;
            }
        }
        var image = tensor(pattern, [1, 1, 8, 8]);
        var augmentation = Make(Off);
        var zoom = new ImageAugmentationParameters { CropTop = 0.25, CropLeft = 0.25, CropHeight = 0.5, CropWidth = 0.5 };
        var zoomed = augmentation.ApplyWith(image, Same(1, zoom)) * 0.5f + 0.25f;

        // Rows 0-1 from torch 1.13:
        //   x = torch.tensor([[((3*y+5*x)%7)/6 for x in range(8)] for y in range(8)]).view(1,1,8,8)
        //   F.grid_sample(x, F.affine_grid(torch.tensor([[[.5,0,0],[0,.5,0]]]), [1,1,8,8], align_corners=False), align_corners=False)
        float[] rows01 = [0.510417f, 0.416667f, 0.250000f, 0.302083f, 0.572917f, 0.625000f, 0.458333f, 0.364583f,
                          0.468750f, 0.375000f, 0.208333f, 0.260417f, 0.531250f, 0.656250f, 0.635417f, 0.541667f];
        Assert.True(MaxAbs(zoomed[0, 0, TensorIndex.Slice(0, 2)].flatten(), tensor(rows01)) <= 1e-5);
        Assert.True(MaxAbs(zoomed, NaiveCrop(image, 2, 2, 4, 4)) <= 1e-5);
        // interpolate clamps at the slice's edges where the crop reads the neighbouring pixels, so only the interior agrees.
        var resized = nn.functional.interpolate(image[.., .., 2..6, 2..6], scale_factor: [2, 2], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.True(MaxAbs(zoomed[.., .., 1..7, 1..7], resized[.., .., 1..7, 1..7]) <= 1e-5);

        // An off-centre, non-square crop: rows 1-4, columns 4-5 stretched to 8×8. Row 0 from torch 1.13 as above with
        // θ = [[.25, 0, .25], [0, .5, -.25]].
        var box = new ImageAugmentationParameters { CropTop = 0.125, CropLeft = 0.5, CropHeight = 0.5, CropWidth = 0.25 };
        var boxed = augmentation.ApplyWith(image, Same(1, box)) * 0.5f + 0.25f;
        float[] row0 = [0.515625f, 0.505208f, 0.458333f, 0.375000f, 0.291667f, 0.208333f, 0.234375f, 0.369792f];
        Assert.True(MaxAbs(boxed[0, 0, 0], tensor(row0)) <= 1e-5);
        Assert.True(MaxAbs(boxed, NaiveCrop(image, 1, 4, 4, 2)) <= 1e-5);

        // Flip acts on the cropped image.
        var flipped = augmentation.ApplyWith(image, Same(1, box with { Flip = true })) * 0.5f + 0.25f;
        Assert.True(MaxAbs(flipped, boxed.flip(3)) <= 1e-5);
    }

    [Fact]
    public void The_affine_jitter_translates_and_rotates_the_content()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var image = Pixels(6, 1, 1, 28, 28);
        var augmentation = Make(Off);
        // Two pixels right, one down: the content moves and zeros (black) come in from the left and top.
        var moved = augmentation.ApplyWith(image, Same(1, new ImageAugmentationParameters { TranslateX = 2.0 / 28, TranslateY = 1.0 / 28 })) * 0.5f + 0.25f;
        Assert.True(MaxAbs(moved[.., .., 1.., 2..], image[.., .., ..^1, ..^2]) <= 1e-5);
        Assert.Equal(0f, moved[.., .., 0].abs().max().item<float>() + moved[.., .., .., ..2].abs().max().item<float>(), 5);
        // A quarter turn clockwise (y points down) on a square image is exact.
        var turned = augmentation.ApplyWith(image, Same(1, new ImageAugmentationParameters { RotationDegrees = 90 })) * 0.5f + 0.25f;
        Assert.True(MaxAbs(turned, image.rot90(-1, (2, 3))) <= 1e-5);
    }

    [Fact]
    public void Jitter_blur_and_noise_follow_their_definitions()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var image = Pixels(7, 1, 1, 6, 6);
        var augmentation = Make(Off with { BlurKernelSize = 3 });

        var jittered = augmentation.ApplyWith(image, Same(1, new ImageAugmentationParameters { BrightnessFactor = 1.3, ContrastFactor = 0.5 })) * 0.5f + 0.25f;
        var bright = (image * 1.3f).clamp(0, 1);
        var level = bright.mean();
        Assert.True(MaxAbs(jittered, ((bright - level) * 0.5f + level).clamp(0, 1)) <= 1e-5);

        var blurred = augmentation.ApplyWith(image, Same(1, new ImageAugmentationParameters { BlurSigma = 0.8 })) * 0.5f + 0.25f;
        Assert.True(MaxAbs(blurred, NaiveBlur(image, 0.8)) <= 1e-5);

        var grey = full(new long[] { 64, 1, 28, 28 }, 0.5f);
        var noisy = augmentation.ApplyWith(grey, new AugmentationParameters(Enumerable.Repeat(new ImageAugmentationParameters { NoiseStd = 0.1 }, 64).ToArray(), 11)) * 0.5f + 0.25f;
        double noiseStd = (noisy - 0.5f).std().item<float>();
        Assert.InRange(noiseStd, 0.095, 0.105);
    }

    [Fact]
    public void The_seed_decides_every_random_choice()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var images = Pixels(8, 16, 1, 28, 28);
        var augmentation = Make(new ViewAugmentationOptions());
        var a = augmentation.Apply(images, 42);
        Assert.True(a.equal(augmentation.Apply(images, 42)).all().item<bool>());
        Assert.True(a.equal(Make(new ViewAugmentationOptions()).Apply(images, 42)).all().item<bool>());
        Assert.True(MaxAbs(a, augmentation.Apply(images, 43)) > 0.1);
        var (first, second) = augmentation.TwoViews(images, 42);
        Assert.True(MaxAbs(first, second) > 0.1);
        var (again, _) = augmentation.TwoViews(images, 42);
        Assert.True(first.equal(again).all().item<bool>());
        Assert.True(MaxAbs(first, a) > 0.1);
    }

    [Fact]
    public void Over_512_images_each_transform_fires_at_its_probability()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        const int n = 512;
        // Pixels in [0.05, 0.95] and mean 0, std 1: only erased pixels are exactly 0 afterwards.
        var images = Pixels(9, n, 1, 28, 28) * 0.9f + 0.05f;
        var identity = images;
        var plain = new ViewAugmentation(Off with { FlipProbability = 0.5 }, [0f], [1f]).Apply(images, 1);
        var flippedImages = (plain - images.flip(3)).abs().amax([1, 2, 3]).le(1e-5f);
        var unchanged = (plain - identity).abs().amax([1, 2, 3]).le(1e-5f);
        Assert.True(flippedImages.logical_xor(unchanged).all().item<bool>());
        Assert.InRange(flippedImages.sum().item<long>() / (double)n, 0.42, 0.58);

        var blur = new ViewAugmentation(Off with { BlurProbability = 0.3, MinBlurSigma = 0.5, MaxBlurSigma = 1 }, [0f], [1f]).Apply(images, 2);
        double blurred = (blur - identity).abs().amax([1, 2, 3]).gt(1e-3f).sum().item<long>() / (double)n;
        Assert.InRange(blurred, 0.23, 0.37);

        var options = Off with { ErasingProbability = 0.25, MinErasingScale = 0.02, MaxErasingScale = 0.2 };
        var erased = new ViewAugmentation(options, [0f], [1f]).Apply(images, 3);
        var zeros = erased.eq(0f);
        int erasedCount = 0;
        for (int i = 0; i < n; i++)
        {
            var z = zeros[i, 0];
            long area = z.sum().item<long>();
            if (area == 0)
            {
                continue;
            }
            erasedCount++;
            // The zeros form one rectangle whose area is within the scale range.
            var rows = z.any(1).nonzero();
            var cols = z.any(0).nonzero();
            long height = rows.max().item<long>() - rows.min().item<long>() + 1, width = cols.max().item<long>() - cols.min().item<long>() + 1;
            Assert.Equal(height * width, area);
            Assert.InRange(area / 784.0, options.MinErasingScale, options.MaxErasingScale);
        }
        Assert.InRange(erasedCount / (double)n, 0.19, 0.31);

        // The default recipe: the drawn choices match every probability, the output is finite and keeps shape and type.
        var defaults = new ViewAugmentationOptions();
        var augmentation = Make(defaults);
        var drawn = augmentation.SampleParameters(n, 28, 28, 5).Images;
        Assert.InRange(drawn.Count(p => p.Flip) / (double)n, defaults.FlipProbability - 0.07, defaults.FlipProbability + 0.07);
        Assert.InRange(drawn.Count(p => p.BlurSigma > 0) / (double)n, defaults.BlurProbability - 0.07, defaults.BlurProbability + 0.07);
        Assert.InRange(drawn.Count(p => p.EraseHeight > 0) / (double)n, defaults.ErasingProbability - 0.07, defaults.ErasingProbability + 0.07);
        Assert.InRange(drawn.Count(p => p.NoiseStd > 0) / (double)n, defaults.NoiseProbability - 0.07, defaults.NoiseProbability + 0.07);
        Assert.InRange(drawn.Count(p => p.BrightnessFactor != 1) / (double)n, defaults.JitterProbability - 0.07, defaults.JitterProbability + 0.07);
        Assert.InRange(drawn.Count(p => p.RotationDegrees != 0) / (double)n, defaults.AffineProbability - 0.07, defaults.AffineProbability + 0.07);
        Assert.All(drawn, p =>
        {
            Assert.InRange(p.CropHeight * p.CropWidth, defaults.MinCropScale * 0.85, defaults.MaxCropScale);
            Assert.InRange(p.CropWidth / p.CropHeight, defaults.MinAspectRatio * 0.85, defaults.MaxAspectRatio / 0.85);
            Assert.InRange(Math.Abs(p.RotationDegrees), 0, defaults.MaxRotationDegrees);
            Assert.InRange(p.BrightnessFactor, 1 - defaults.Brightness, 1 + defaults.Brightness);
        });
        var views = augmentation.Apply(images, 5);
        Assert.Equal(images.shape, views.shape);
        Assert.Equal(ScalarType.Float32, views.dtype);
        Assert.True(views.isfinite().all().item<bool>());
        // In the [0, 1] scale every pixel stays in range until erasing sets some to the mean.
        var unit = views * 0.5f + 0.25f;
        Assert.True(unit.ge(-1e-6f).all().item<bool>() && unit.le(1 + 1e-6f).all().item<bool>());
    }

    [Fact]
    public void Reports_the_time_of_one_256_image_batch()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var images = Pixels(10, 256, 1, 28, 28);
        var augmentation = Make(new ViewAugmentationOptions());
        augmentation.Apply(images, 0).Dispose();
        const int runs = 20;
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= runs; i++)
        {
            augmentation.Apply(images, i).Dispose();
        }
        output.WriteLine($"Apply on (256, 1, 28, 28): {clock.Elapsed.TotalMilliseconds / runs:F2} ms per batch ({get_num_threads()} torch threads)");
    }

    [Fact]
    public void ToUnitTensor_scales_the_chosen_rows_to_0_1()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        byte[] pixels = [0, 51, 102, 255, 10, 20, 30, 40, 255, 0, 255, 0];
        var dataset = new ImageDataset(pixels, [0, 1, 0], 1, 2, 2, ["a", "b"]);
        var unit = ViewAugmentation.ToUnitTensor(dataset, [2, 0]);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, unit.shape);
        Assert.Equal(ScalarType.Float32, unit.dtype);
        Assert.Equal([1f, 0f, 1f, 0f, 0f, 0.2f, 0.4f, 1f], unit.data<float>().ToArray());
        var error = Assert.Throws<ArgumentException>(() => ViewAugmentation.ToUnitTensor(dataset, [3]));
        Assert.Equal("indices", error.ParamName);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_message_naming_it()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var augmentation = Make(new ViewAugmentationOptions());
        var rank = Assert.Throws<ArgumentException>(() => augmentation.Apply(zeros(1, 28, 28), 0));
        Assert.Equal("images", rank.ParamName);
        Assert.Contains("rank 3", rank.Message, StringComparison.Ordinal);
        var channels = Assert.Throws<ArgumentException>(() => augmentation.Apply(zeros(2, 3, 28, 28), 0));
        Assert.Contains("3 channels", channels.Message, StringComparison.Ordinal);
        var type = Assert.Throws<ArgumentException>(() => augmentation.Apply(zeros(2, 1, 28, 28, dtype: float64), 0));
        Assert.Contains("float32", type.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => augmentation.ApplyWith(zeros(2, 1, 28, 28), Same(3, new ImageAugmentationParameters())));

        Refused(new ViewAugmentationOptions { FlipProbability = 1.5 }, "FlipProbability");
        Refused(new ViewAugmentationOptions { ErasingProbability = -0.1 }, "ErasingProbability");
        Refused(new ViewAugmentationOptions { JitterProbability = double.NaN }, "JitterProbability");
        Refused(new ViewAugmentationOptions { MinCropScale = 0.9, MaxCropScale = 0.5 }, "MinCropScale");
        Refused(new ViewAugmentationOptions { MinAspectRatio = 2, MaxAspectRatio = 1 }, "MinAspectRatio");
        Refused(new ViewAugmentationOptions { MinBlurSigma = 2, MaxBlurSigma = 1 }, "MinBlurSigma");
        Refused(new ViewAugmentationOptions { MinErasingScale = 0.3, MaxErasingScale = 0.2 }, "MinErasingScale");
        Refused(new ViewAugmentationOptions { MaxCropScale = 1.5 }, "MaxCropScale");
        Refused(new ViewAugmentationOptions { BlurKernelSize = 4 }, "BlurKernelSize");
        Refused(new ViewAugmentationOptions { Brightness = 1.5 }, "Brightness");
        var lengths = Assert.Throws<ArgumentException>(() => new ViewAugmentation(new ViewAugmentationOptions(), [0.5f, 0.5f], [0.5f]));
        Assert.Equal("mean", lengths.ParamName);
        var std = Assert.Throws<ArgumentException>(() => new ViewAugmentation(new ViewAugmentationOptions(), [0.5f], [0f]));
        Assert.Equal("std", std.ParamName);

        static void Refused(ViewAugmentationOptions options, string property)
        {
            var error = Assert.Throws<ArgumentException>(() => new ViewAugmentation(options, [0.5f], [0.5f]));
            Assert.Equal("options", error.ParamName);
            Assert.Contains(property, error.Message, StringComparison.Ordinal);
        }
    }

    // Output pixel (k, l) reads the input at rows top + (k + ½)·height/H − ½ and columns left + (l + ½)·width/W − ½
    // (pixel centres of the crop box stretched over the output), bilinearly, zero outside.
    private static Tensor NaiveCrop(Tensor image, int top, int left, int height, int width)
    {
        int h = (int)image.shape[2], w = (int)image.shape[3];
        var source = image.data<float>().ToArray();
        var result = new float[h * w];
        for (int k = 0; k < h; k++)
        {
            for (int l = 0; l < w; l++)
            {
                double v = top + (k + 0.5) * height / h - 0.5, u = left + (l + 0.5) * width / w - 0.5;
                int v0 = (int)Math.Floor(v), u0 = (int)Math.Floor(u);
                double fv = v - v0, fu = u - u0, sum = 0;
                for (int dy = 0; dy <= 1; dy++)
                {
                    for (int dx = 0; dx <= 1; dx++)
                    {
                        int y = v0 + dy, x = u0 + dx;
                        double weight = (dy == 1 ? fv : 1 - fv) * (dx == 1 ? fu : 1 - fu);
                        sum += y >= 0 && y < h && x >= 0 && x < w ? weight * source[y * w + x] : 0;
                    }
                }
                result[k * w + l] = (float)sum;
            }
        }
        return tensor(result, [1, 1, h, w]);
    }

    // 3×3 Gaussian with reflect padding (−1 → 1, H → H − 2), written out.
    private static Tensor NaiveBlur(Tensor image, double sigma)
    {
        int h = (int)image.shape[2], w = (int)image.shape[3];
        var source = image.data<float>().ToArray();
        double[] g = [Math.Exp(-0.5 / (sigma * sigma)), 1, Math.Exp(-0.5 / (sigma * sigma))];
        double total = g.Sum();
        var result = new float[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int sy = Reflect(y + dy, h), sx = Reflect(x + dx, w);
                        sum += g[dy + 1] * g[dx + 1] / (total * total) * source[sy * w + sx];
                    }
                }
                result[y * w + x] = (float)sum;
            }
        }
        return tensor(result, [1, 1, h, w]);

        static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
    }
}

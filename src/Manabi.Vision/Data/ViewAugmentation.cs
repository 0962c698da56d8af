using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Data;

/// <summary>
/// Batch-wise random augmentation that makes self-supervised "views" (SimCLR, SimSiam) of small images:
/// random resized crop, horizontal flip and affine jitter (one bilinear resampling), brightness/contrast jitter,
/// Gaussian blur, Gaussian noise, normalisation and random erasing, in that order. The per-image random choices
/// are drawn in C# from the seed; the image work is tensor operations over the whole batch.
/// </summary>
public sealed class ViewAugmentation
{
    private readonly float[] mean;
    private readonly float[] std;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="options">The transform settings.</param>
    /// <param name="mean">Per-channel mean subtracted from the [0, 1] pixels after augmentation.</param>
    /// <param name="std">Per-channel standard deviation divided by.</param>
    public ViewAugmentation(ViewAugmentationOptions options, float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        Validate(options);
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw new ArgumentException($"The normalisation needs one mean and one std per channel; got {mean.Length} means and {std.Length} stds.", nameof(mean));
        }
        if (Array.Exists(std, s => !(s > 0) || !float.IsFinite(s)))
        {
            throw new ArgumentException("Every std must be positive and finite.", nameof(std));
        }
        if (Array.Exists(mean, m => !float.IsFinite(m)))
        {
            throw new ArgumentException("Every mean must be finite.", nameof(mean));
        }
        Options = options;
        this.mean = (float[])mean.Clone();
        this.std = (float[])std.Clone();
    }

    /// <summary>The transform settings.</summary>
    public ViewAugmentationOptions Options { get; }

    /// <summary>
    /// Augments and normalises a batch. Every random choice comes from <paramref name="seed"/>: the same seed and
    /// input give the same output.
    /// </summary>
    /// <param name="images">(batch, channels, height, width) float32 pixels in [0, 1], not normalised.</param>
    /// <param name="seed">The seed of every random choice.</param>
    /// <returns>A new (batch, channels, height, width) float32 tensor, augmented then normalised.</returns>
    public Tensor Apply(Tensor images, long seed)
    {
        CheckImages(images);
        return ApplyWith(images, SampleParameters((int)images.shape[0], (int)images.shape[2], (int)images.shape[3], seed));
    }

    /// <summary>Two independently augmented views of the same batch, with seeds derived from <paramref name="seed"/>.</summary>
    /// <param name="images">(batch, channels, height, width) float32 pixels in [0, 1], not normalised.</param>
    /// <param name="seed">The seed both views' seeds are derived from.</param>
    public (Tensor First, Tensor Second) TwoViews(Tensor images, long seed)
    {
        CheckImages(images);
        var first = Apply(images, Derive(seed, 1));
        try
        {
            return (first, Apply(images, Derive(seed, 2)));
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Draws the random choices <see cref="Apply"/> makes for a batch of <paramref name="batchSize"/> images of
    /// <paramref name="height"/> × <paramref name="width"/> pixels.
    /// </summary>
    public AugmentationParameters SampleParameters(int batchSize, int height, int width, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var o = Options;
        // Random(int) is the fixed legacy algorithm, so the draws are the same on every machine and run.
        var random = new Random((int)(Derive(seed, 0) & 0x7FFFFFFF));
        var images = new ImageAugmentationParameters[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            var p = new ImageAugmentationParameters();
            if (Coin(random, o.CropProbability))
            {
                var (top, left, h, w) = SampleCrop(random, height, width);
                p = p with { CropTop = (double)top / height, CropLeft = (double)left / width, CropHeight = (double)h / height, CropWidth = (double)w / width };
            }
            if (Coin(random, o.FlipProbability))
            {
                p = p with { Flip = true };
            }
            if (Coin(random, o.AffineProbability))
            {
                p = p with
                {
                    RotationDegrees = SeededDraws.Uniform(random, -o.MaxRotationDegrees, o.MaxRotationDegrees),
                    TranslateX = SeededDraws.Uniform(random, -o.MaxTranslate, o.MaxTranslate),
                    TranslateY = SeededDraws.Uniform(random, -o.MaxTranslate, o.MaxTranslate),
                    ShearDegrees = SeededDraws.Uniform(random, -o.MaxShearDegrees, o.MaxShearDegrees),
                };
            }
            if (Coin(random, o.JitterProbability))
            {
                p = p with
                {
                    BrightnessFactor = SeededDraws.Uniform(random, 1 - o.Brightness, 1 + o.Brightness),
                    ContrastFactor = SeededDraws.Uniform(random, 1 - o.Contrast, 1 + o.Contrast),
                };
            }
            if (Coin(random, o.BlurProbability))
            {
                p = p with { BlurSigma = SeededDraws.Uniform(random, o.MinBlurSigma, o.MaxBlurSigma) };
            }
            if (Coin(random, o.NoiseProbability))
            {
                p = p with { NoiseStd = o.NoiseStd };
            }
            if (Coin(random, o.ErasingProbability) && SampleErasing(random, height, width) is var (eraseTop, eraseLeft, eraseHeight, eraseWidth))
            {
                p = p with { EraseTop = eraseTop, EraseLeft = eraseLeft, EraseHeight = eraseHeight, EraseWidth = eraseWidth };
            }
            images[i] = p;
        }
        return new AugmentationParameters(images, Derive(seed, 3));
    }

    /// <summary>
    /// Augments and normalises a batch with explicit random choices (from <see cref="SampleParameters"/> or made
    /// by hand), for tests and for replaying a view.
    /// </summary>
    /// <param name="images">(batch, channels, height, width) float32 pixels in [0, 1], not normalised.</param>
    /// <param name="parameters">One entry per image.</param>
    /// <returns>A new (batch, channels, height, width) float32 tensor, augmented then normalised.</returns>
    public Tensor ApplyWith(Tensor images, AugmentationParameters parameters)
    {
        CheckImages(images);
        ArgumentNullException.ThrowIfNull(parameters);
        int b = (int)images.shape[0], c = (int)images.shape[1], h = (int)images.shape[2], w = (int)images.shape[3];
        var ps = parameters.Images;
        if (ps is null || ps.Count != b)
        {
            throw new ArgumentException($"The parameters describe {ps?.Count ?? 0} images, the batch has {b}.", nameof(parameters));
        }
        for (int i = 0; i < b; i++)
        {
            CheckParameters(ps[i], i, h, w);
        }
        using var scope = NewDisposeScope();
        var device = images.device;
        if (b == 0)
        {
            return images.clone().MoveToOuterDisposeScope();
        }

        // Crop, flip and affine jitter compose into one output→input map per image, so the batch is resampled once.
        var theta = new float[b * 6];
        for (int i = 0; i < b; i++)
        {
            Theta(ps[i], h, w, theta.AsSpan(i * 6, 6));
        }
        var grid = nn.functional.affine_grid(tensor(theta, [b, 2, 3]).to(device), [b, c, h, w], align_corners: false);
        var x = nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);

        if (Any(ps, p => p.BrightnessFactor != 1 || p.ContrastFactor != 1))
        {
            var brightness = PerImage(ps, p => p.BrightnessFactor, device);
            var contrast = PerImage(ps, p => p.ContrastFactor, device);
            var bright = (x * brightness).clamp(0, 1);
            // torchvision's adjust_contrast: blend with the image's mean grey level.
            var level = bright.mean([1, 2, 3], keepdim: true);
            var jittered = ((bright - level) * contrast + level).clamp(0, 1);
            x = where(Mask(ps, p => p.BrightnessFactor != 1 || p.ContrastFactor != 1, device), jittered, x);
        }

        if (Any(ps, p => p.BlurSigma > 0))
        {
            x = where(Mask(ps, p => p.BlurSigma > 0, device), Blur(x, ps, device), x);
        }

        if (Any(ps, p => p.NoiseStd > 0))
        {
            // The noise is drawn on the CPU from its own seeded generator, so it does not depend on the device.
            using var generator = new Generator(unchecked((ulong)parameters.NoiseSeed));
            var noise = randn([b, c, h, w], dtype: float32, generator: generator).to(device);
            x = (x + noise * PerImage(ps, p => p.NoiseStd, device)).clamp(0, 1);
        }

        var meanTensor = tensor(mean, [1, c, 1, 1]).to(device);
        var stdTensor = tensor(std, [1, c, 1, 1]).to(device);
        x = (x - meanTensor) / stdTensor;

        if (Any(ps, p => p.EraseHeight > 0 && p.EraseWidth > 0))
        {
            // Erasing comes after normalisation (as torchvision's RandomErasing after Normalize): value 0 is the mean.
            var rows = arange(h, device: device).view(1, 1, h, 1);
            var cols = arange(w, device: device).view(1, 1, 1, w);
            var top = PerImageLong(ps, p => p.EraseTop, device);
            var bottom = PerImageLong(ps, p => p.EraseHeight > 0 && p.EraseWidth > 0 ? p.EraseTop + p.EraseHeight : p.EraseTop, device);
            var left = PerImageLong(ps, p => p.EraseLeft, device);
            var right = PerImageLong(ps, p => p.EraseLeft + p.EraseWidth, device);
            var erase = rows.ge(top).logical_and(rows.lt(bottom)).logical_and(cols.ge(left)).logical_and(cols.lt(right));
            x = x.masked_fill(erase, 0f);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The rows <paramref name="indices"/> of <paramref name="dataset"/> as a (count, channels, height, width)
    /// float32 tensor of pixels scaled to [0, 1], the input <see cref="Apply"/> expects.
    /// </summary>
    public static Tensor ToUnitTensor(ImageDataset dataset, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int size = dataset.ImageBytes;
        var bytes = new byte[(long)indices.Length * size];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if (index < 0 || index >= dataset.Count)
            {
                throw new ArgumentException($"Index {index} at position {i} is outside [0, {dataset.Count}).", nameof(indices));
            }
            dataset.Pixels.AsSpan(index * size, size).CopyTo(bytes.AsSpan(i * size, size));
        }
        using var scope = NewDisposeScope();
        var raw = tensor(bytes, [indices.Length, dataset.Channels, dataset.Height, dataset.Width]);
        return raw.to_type(float32).div_(255f).MoveToOuterDisposeScope();
    }

    // Writes θ, the (2, 3) map from output to input coordinates in affine_grid's normalised [-1, 1] units
    // (align_corners false: ±1 are the outer pixel edges). Composed right to left: undo the affine jitter,
    // undo the flip, then place the output square onto the crop window.
    private static void Theta(ImageAugmentationParameters p, int height, int width, Span<float> theta)
    {
        // The jitter's forward map in pixel units about the centre is A(v) = L·v + t with L = rotation·shear;
        // the sampler needs A⁻¹(v) = L⁻¹·v − L⁻¹·t.
        double angle = p.RotationDegrees * Math.PI / 180, shear = Math.Tan(p.ShearDegrees * Math.PI / 180);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double l00 = cos, l01 = cos * shear - sin, l10 = sin, l11 = sin * shear + cos;
        double det = l00 * l11 - l01 * l10;
        double i00 = l11 / det, i01 = -l01 / det, i10 = -l10 / det, i11 = l00 / det;
        double tx = p.TranslateX * width, ty = p.TranslateY * height;
        // Pixel units are normalised units times (width/2, height/2); converting keeps angles true on non-square images.
        double halfW = width / 2.0, halfH = height / 2.0;
        double m00 = i00, m01 = i01 * halfH / halfW, m10 = i10 * halfW / halfH, m11 = i11;
        double o0 = -(i00 * tx + i01 * ty) / halfW, o1 = -(i10 * tx + i11 * ty) / halfH;
        if (p.Flip)
        {
            m00 = -m00;
            m01 = -m01;
            o0 = -o0;
        }
        // The crop window's half-extents are its fractions of the side (the full side spans 2), its centre −1 + 2·left + width.
        double sx = p.CropWidth, sy = p.CropHeight;
        double cx = -1 + 2 * p.CropLeft + p.CropWidth, cy = -1 + 2 * p.CropTop + p.CropHeight;
        theta[0] = (float)(sx * m00);
        theta[1] = (float)(sx * m01);
        theta[2] = (float)(sx * o0 + cx);
        theta[3] = (float)(sy * m10);
        theta[4] = (float)(sy * m11);
        theta[5] = (float)(sy * o1 + cy);
    }

    // Depthwise convolution with each image's own Gaussian kernel: the batch becomes B·C groups of one channel.
    private Tensor Blur(Tensor x, IReadOnlyList<ImageAugmentationParameters> ps, Device device)
    {
        int b = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        int k = Options.BlurKernelSize, half = k / 2;
        var weights = new float[b * k];
        for (int i = 0; i < b; i++)
        {
            double sigma = ps[i].BlurSigma;
            if (sigma <= 0)
            {
                // A delta kernel; these images are put back by the caller's mask anyway.
                weights[i * k + half] = 1;
                continue;
            }
            // torchvision's _get_gaussian_kernel1d: exp(−x²/2σ²) at integer offsets, normalised to sum 1.
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                double v = Math.Exp(-0.5 * Math.Pow((j - half) / sigma, 2));
                weights[i * k + j] = (float)v;
                sum += v;
            }
            for (int j = 0; j < k; j++)
            {
                weights[i * k + j] = (float)(weights[i * k + j] / sum);
            }
        }
        var kernel1d = tensor(weights, [b, k]).to(device);
        var kernel2d = (kernel1d.unsqueeze(2) * kernel1d.unsqueeze(1)).unsqueeze(1).expand(b, c, k, k).reshape(b * c, 1, k, k);
        var padded = nn.functional.pad(x.reshape(1, b * c, h, w), [half, half, half, half], PaddingModes.Reflect);
        return nn.functional.conv2d(padded, kernel2d, groups: b * c).reshape(b, c, h, w);
    }

    private (int Top, int Left, int Height, int Width) SampleCrop(Random random, int height, int width)
    {
        // torchvision's RandomResizedCrop.get_params: ten tries at a box of the drawn area and ratio, then a centre crop.
        var o = Options;
        double area = (double)height * width;
        double logMin = Math.Log(o.MinAspectRatio), logMax = Math.Log(o.MaxAspectRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * SeededDraws.Uniform(random, o.MinCropScale, o.MaxCropScale);
            double ratio = Math.Exp(SeededDraws.Uniform(random, logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(target * ratio));
            int h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                return (random.Next(0, height - h + 1), random.Next(0, width - w + 1), h, w);
            }
        }
        double inRatio = (double)width / height;
        int cw = width, ch = height;
        if (inRatio < o.MinAspectRatio)
        {
            ch = Math.Clamp((int)Math.Round(cw / o.MinAspectRatio), 1, height);
        }
        else if (inRatio > o.MaxAspectRatio)
        {
            cw = Math.Clamp((int)Math.Round(ch * o.MaxAspectRatio), 1, width);
        }
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    private (int Top, int Left, int Height, int Width)? SampleErasing(Random random, int height, int width) =>
        RandomErasing.SampleBox(random, height, width, Options.MinErasingScale, Options.MaxErasingScale,
            Options.MinErasingAspectRatio, Options.MaxErasingAspectRatio);

    private static bool Coin(Random random, double probability) => random.NextDouble() < probability;


    private static bool Any(IReadOnlyList<ImageAugmentationParameters> ps, Func<ImageAugmentationParameters, bool> predicate)
    {
        for (int i = 0; i < ps.Count; i++)
        {
            if (predicate(ps[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static Tensor PerImage(IReadOnlyList<ImageAugmentationParameters> ps, Func<ImageAugmentationParameters, double> value, Device device)
    {
        var values = new float[ps.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)value(ps[i]);
        }
        return tensor(values, [values.Length, 1, 1, 1]).to(device);
    }

    private static Tensor PerImageLong(IReadOnlyList<ImageAugmentationParameters> ps, Func<ImageAugmentationParameters, long> value, Device device)
    {
        var values = new long[ps.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = value(ps[i]);
        }
        return tensor(values, [values.Length, 1, 1, 1]).to(device);
    }

    private static Tensor Mask(IReadOnlyList<ImageAugmentationParameters> ps, Func<ImageAugmentationParameters, bool> predicate, Device device)
    {
        var values = new bool[ps.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = predicate(ps[i]);
        }
        return tensor(values, [values.Length, 1, 1, 1]).to(device);
    }

    // SplitMix64 of (seed, stream): independent, well-mixed seeds for the parameters, the noise and the two views.
    private static long Derive(long seed, long stream)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(stream + 1));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(z ^ (z >> 31)));
    }

    private void CheckImages(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
        {
            throw new ArgumentException($"Images must be (batch, channels, height, width); got rank {images.dim()} [{string.Join(", ", images.shape)}].", nameof(images));
        }
        if (images.dtype != float32)
        {
            throw new ArgumentException($"Images must be float32 pixels in [0, 1]; got {images.dtype}.", nameof(images));
        }
        if (images.shape[1] != mean.Length)
        {
            throw new ArgumentException($"Images have {images.shape[1]} channels but the normalisation has {mean.Length}.", nameof(images));
        }
        if (images.shape[2] < 1 || images.shape[3] < 1)
        {
            throw new ArgumentException($"Images must be at least 1×1; got {images.shape[2]}×{images.shape[3]}.", nameof(images));
        }
        int half = Options.BlurKernelSize / 2;
        if (Options.BlurProbability > 0 && (images.shape[2] <= half || images.shape[3] <= half))
        {
            throw new ArgumentException($"The {Options.BlurKernelSize}-pixel blur's reflect padding needs images larger than {half} pixels; got {images.shape[2]}×{images.shape[3]}.", nameof(images));
        }
    }

    private static void CheckParameters(ImageAugmentationParameters? p, int index, int height, int width)
    {
        const string name = "parameters";
        if (p is null)
        {
            throw new ArgumentException($"Image {index} has no parameters.", name);
        }
        if (!(p.CropHeight > 0) || !(p.CropWidth > 0) || !double.IsFinite(p.CropTop) || !double.IsFinite(p.CropLeft) || !double.IsFinite(p.CropHeight) || !double.IsFinite(p.CropWidth))
        {
            throw new ArgumentException($"Image {index}: the crop needs a positive, finite size and a finite position.", name);
        }
        if (!double.IsFinite(p.RotationDegrees) || !double.IsFinite(p.TranslateX) || !double.IsFinite(p.TranslateY) || !(Math.Abs(p.ShearDegrees) < 90))
        {
            throw new ArgumentException($"Image {index}: the affine jitter needs finite values and a shear inside ±90°.", name);
        }
        if (!(p.BrightnessFactor >= 0) || !(p.ContrastFactor >= 0) || !double.IsFinite(p.BrightnessFactor) || !double.IsFinite(p.ContrastFactor))
        {
            throw new ArgumentException($"Image {index}: brightness and contrast factors must be finite and non-negative.", name);
        }
        if (!(p.BlurSigma >= 0) || !double.IsFinite(p.BlurSigma) || !(p.NoiseStd >= 0) || !double.IsFinite(p.NoiseStd))
        {
            throw new ArgumentException($"Image {index}: blur sigma and noise std must be finite and non-negative.", name);
        }
        if (p.EraseHeight < 0 || p.EraseWidth < 0 || p.EraseTop < 0 || p.EraseLeft < 0
            || p.EraseTop + p.EraseHeight > height || p.EraseLeft + p.EraseWidth > width)
        {
            throw new ArgumentException($"Image {index}: the erased rectangle must lie inside the {height}×{width} image.", name);
        }
    }

    private static void Validate(ViewAugmentationOptions o)
    {
        const string name = "options";
        foreach (var (value, property) in new[]
        {
            (o.CropProbability, nameof(o.CropProbability)), (o.FlipProbability, nameof(o.FlipProbability)),
            (o.AffineProbability, nameof(o.AffineProbability)), (o.NoiseProbability, nameof(o.NoiseProbability)),
            (o.BlurProbability, nameof(o.BlurProbability)), (o.ErasingProbability, nameof(o.ErasingProbability)),
            (o.JitterProbability, nameof(o.JitterProbability)),
        })
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentException($"{property} is {value}; a probability must be in [0, 1].", name);
            }
        }
        Range(o.MinCropScale, o.MaxCropScale, nameof(o.MinCropScale), nameof(o.MaxCropScale), 0, 1, lowOpen: true);
        Range(o.MinAspectRatio, o.MaxAspectRatio, nameof(o.MinAspectRatio), nameof(o.MaxAspectRatio), 0, double.MaxValue, lowOpen: true);
        Range(o.MinBlurSigma, o.MaxBlurSigma, nameof(o.MinBlurSigma), nameof(o.MaxBlurSigma), 0, double.MaxValue, lowOpen: true);
        Range(o.MinErasingScale, o.MaxErasingScale, nameof(o.MinErasingScale), nameof(o.MaxErasingScale), 0, 1, lowOpen: true);
        Range(o.MinErasingAspectRatio, o.MaxErasingAspectRatio, nameof(o.MinErasingAspectRatio), nameof(o.MaxErasingAspectRatio), 0, double.MaxValue, lowOpen: true);
        NonNegative(o.MaxRotationDegrees, nameof(o.MaxRotationDegrees), double.MaxValue);
        NonNegative(o.MaxTranslate, nameof(o.MaxTranslate), 1);
        NonNegative(o.MaxShearDegrees, nameof(o.MaxShearDegrees), 89);
        NonNegative(o.NoiseStd, nameof(o.NoiseStd), double.MaxValue);
        NonNegative(o.Brightness, nameof(o.Brightness), 1);
        NonNegative(o.Contrast, nameof(o.Contrast), 1);
        if (o.BlurKernelSize < 1 || o.BlurKernelSize % 2 == 0)
        {
            throw new ArgumentException($"{nameof(o.BlurKernelSize)} is {o.BlurKernelSize}; it must be a positive odd number.", name);
        }

        static void Range(double min, double max, string minName, string maxName, double low, double high, bool lowOpen)
        {
            bool minOk = lowOpen ? min > low : min >= low;
            if (!minOk || !(max <= high) || !double.IsFinite(min) || !double.IsFinite(max))
            {
                string bound = high == double.MaxValue ? "positive and finite" : $"in {(lowOpen ? "(" : "[")}{low}, {high}]";
                throw new ArgumentException($"{minName} ({min}) and {maxName} ({max}) must be {bound}.", name);
            }
            if (min > max)
            {
                throw new ArgumentException($"{minName} ({min}) is greater than {maxName} ({max}).", name);
            }
        }

        static void NonNegative(double value, string property, double high)
        {
            if (!(value >= 0 && value <= high))
            {
                string bound = high == double.MaxValue ? "non-negative and finite" : $"in [0, {high}]";
                throw new ArgumentException($"{property} is {value}; it must be {bound}.", name);
            }
        }
    }
}

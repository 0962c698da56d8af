namespace Manabi.Vision.Data;

/// <summary>The operations of TrivialAugment's wide set, in torchvision's order.</summary>
internal enum TrivialAugmentOp
{
    Identity, ShearX, ShearY, TranslateX, TranslateY, Rotate, Brightness, Color, Contrast, Sharpness, Posterize,
    Solarize, AutoContrast, Equalize,
}

/// <summary>
/// TrivialAugment (Müller and Hutter 2021) as torchvision's <c>TrivialAugmentWide</c>: per image one operation of the
/// wide set drawn uniformly, with one of 31 magnitude bins drawn uniformly (and a random sign where the operation is
/// signed), applied to the 8-bit image (channels, height, width). Geometric operations sample nearest neighbours and
/// fill with 0, as torchvision does on tensors without a fill.
/// </summary>
internal static class TrivialAugment
{
    public const int Bins = 31;
    private static readonly int OpCount = Enum.GetValues<TrivialAugmentOp>().Length;

    /// <summary>Draws an operation and magnitude from <paramref name="random"/> and applies it in place.</summary>
    public static TrivialAugmentOp ApplyRandom(Random random, byte[] image, int channels, int height, int width)
    {
        var op = (TrivialAugmentOp)random.Next(OpCount);
        int bin = random.Next(Bins);
        double magnitude = Magnitude(op, bin);
        if (IsSigned(op) && random.Next(2) == 1)
        {
            magnitude = -magnitude;
        }
        Apply(op, magnitude, image, channels, height, width);
        return op;
    }

    /// <summary>torchvision's <c>_augmentation_space(31)</c> of <c>TrivialAugmentWide</c>: the magnitude of a bin.</summary>
    public static double Magnitude(TrivialAugmentOp op, int bin) => op switch
    {
        TrivialAugmentOp.ShearX or TrivialAugmentOp.ShearY or TrivialAugmentOp.Brightness or TrivialAugmentOp.Color
            or TrivialAugmentOp.Contrast or TrivialAugmentOp.Sharpness => Linspace(0, 0.99, bin),
        TrivialAugmentOp.TranslateX or TrivialAugmentOp.TranslateY => Linspace(0, 32, bin),
        TrivialAugmentOp.Rotate => Linspace(0, 135, bin),
        // 8 - round(bin / 5): 8 bits down to 2.
        TrivialAugmentOp.Posterize => 8 - (int)Math.Round(bin / ((Bins - 1) / 6.0), MidpointRounding.ToEven),
        TrivialAugmentOp.Solarize => Linspace(255, 0, bin),
        _ => 0,
    };

    /// <summary>Whether torchvision negates the magnitude half of the time.</summary>
    public static bool IsSigned(TrivialAugmentOp op) => op is TrivialAugmentOp.ShearX or TrivialAugmentOp.ShearY
        or TrivialAugmentOp.TranslateX or TrivialAugmentOp.TranslateY or TrivialAugmentOp.Rotate or TrivialAugmentOp.Brightness
        or TrivialAugmentOp.Color or TrivialAugmentOp.Contrast or TrivialAugmentOp.Sharpness;

    /// <summary>torchvision's <c>_apply_op</c> on an 8-bit image (channels, height, width), in place.</summary>
    public static void Apply(TrivialAugmentOp op, double magnitude, byte[] image, int channels, int height, int width)
    {
        switch (op)
        {
            case TrivialAugmentOp.ShearX:
                // Shear about the top-left corner (torchvision's center=[0, 0]): source x = x + m (y + 0.5).
                Warp(image, channels, height, width, (x, y) => (x + magnitude * (y + 0.5), y));
                break;
            case TrivialAugmentOp.ShearY:
                Warp(image, channels, height, width, (x, y) => (x, y + magnitude * (x + 0.5)));
                break;
            case TrivialAugmentOp.TranslateX:
                Warp(image, channels, height, width, (x, y) => (x - (int)magnitude, y));
                break;
            case TrivialAugmentOp.TranslateY:
                Warp(image, channels, height, width, (x, y) => (x, y - (int)magnitude));
                break;
            case TrivialAugmentOp.Rotate:
                Rotate(image, channels, height, width, magnitude);
                break;
            case TrivialAugmentOp.Brightness:
                Blend(image, new byte[image.Length], 1 + magnitude);
                break;
            case TrivialAugmentOp.Color:
                // Saturation: a blend with the grey image, nothing to do on one channel.
                if (channels == 3)
                {
                    Blend(image, GreyAsChannels(image, height * width), 1 + magnitude);
                }
                break;
            case TrivialAugmentOp.Contrast:
                Contrast(image, channels, height * width, 1 + magnitude);
                break;
            case TrivialAugmentOp.Sharpness:
                Sharpness(image, channels, height, width, 1 + magnitude);
                break;
            case TrivialAugmentOp.Posterize:
                byte mask = (byte)(0xFF << (8 - (int)magnitude));
                for (int i = 0; i < image.Length; i++)
                {
                    image[i] &= mask;
                }
                break;
            case TrivialAugmentOp.Solarize:
                for (int i = 0; i < image.Length; i++)
                {
                    image[i] = image[i] >= magnitude ? (byte)(255 - image[i]) : image[i];
                }
                break;
            case TrivialAugmentOp.AutoContrast:
                AutoContrast(image, channels, height * width);
                break;
            case TrivialAugmentOp.Equalize:
                Equalize(image, channels, height * width);
                break;
        }
    }

    private static double Linspace(double start, double end, int bin) => start + (end - start) * bin / (Bins - 1);

    // Inverse mapping with nearest-neighbour sampling: each output pixel reads the source pixel map(x, y) rounds to
    // (half to even, as grid_sample's nearest mode), 0 outside the image.
    private static void Warp(byte[] image, int channels, int height, int width, Func<int, int, (double X, double Y)> map)
    {
        var source = (byte[])image.Clone();
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (fx, fy) = map(x, y);
                double rx = Math.Round(fx), ry = Math.Round(fy);
                bool inside = rx >= 0 && rx < width && ry >= 0 && ry < height;
                int from = inside ? (int)ry * width + (int)rx : 0;
                for (int c = 0; c < channels; c++)
                {
                    image[c * plane + y * width + x] = inside ? source[c * plane + from] : (byte)0;
                }
            }
        }
    }

    private static void Rotate(byte[] image, int channels, int height, int width, double degrees)
    {
        // torchvision's rotate: counter-clockwise by the angle about the image centre, coordinates of pixel centres.
        double angle = -degrees * Math.PI / 180, cos = Math.Cos(angle), sin = Math.Sin(angle);
        double cx = width * 0.5, cy = height * 0.5;
        Warp(image, channels, height, width, (x, y) =>
        {
            double xc = x + 0.5 - cx, yc = y + 0.5 - cy;
            return (cos * xc + sin * yc + cx - 0.5, -sin * xc + cos * yc + cy - 0.5);
        });
    }

    // torchvision's _blend for uint8: ratio * image + (1 - ratio) * other, clamped and truncated.
    private static void Blend(byte[] image, byte[] other, double ratio)
    {
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (byte)Math.Clamp(ratio * image[i] + (1 - ratio) * other[i], 0, 255);
        }
    }

    // rgb_to_grayscale truncated to 8 bits, as torchvision does on uint8.
    private static byte Grey(byte[] image, int plane, int i) =>
        (byte)Math.Clamp(0.2989f * image[i] + 0.587f * image[plane + i] + 0.114f * image[2 * plane + i], 0, 255);

    private static byte[] GreyAsChannels(byte[] image, int plane)
    {
        var grey = new byte[image.Length];
        for (int i = 0; i < plane; i++)
        {
            grey[i] = grey[plane + i] = grey[2 * plane + i] = Grey(image, plane, i);
        }
        return grey;
    }

    private static void Contrast(byte[] image, int channels, int plane, double ratio)
    {
        // Blend with the mean of the grey image.
        double sum = 0;
        for (int i = 0; i < plane; i++)
        {
            sum += channels == 3 ? Grey(image, plane, i) : image[i];
        }
        double mean = sum / plane;
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (byte)Math.Clamp(ratio * image[i] + (1 - ratio) * mean, 0, 255);
        }
    }

    private static void Sharpness(byte[] image, int channels, int height, int width, double ratio)
    {
        if (height <= 2 || width <= 2)
        {
            return;
        }
        // The degenerate image is a 3×3 smoothing ([1 1 1; 1 5 1; 1 1 1] / 13), rounded, with the border kept.
        var degenerate = (byte[])image.Clone();
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            int o = c * plane;
            for (int y = 1; y < height - 1; y++)
            {
                for (int x = 1; x < width - 1; x++)
                {
                    int sum = 4 * image[o + y * width + x];
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            sum += image[o + (y + dy) * width + x + dx];
                        }
                    }
                    degenerate[o + y * width + x] = (byte)Math.Clamp(Math.Round(sum / 13.0), 0, 255);
                }
            }
        }
        Blend(image, degenerate, ratio);
    }

    private static void AutoContrast(byte[] image, int channels, int plane)
    {
        for (int c = 0; c < channels; c++)
        {
            var span = image.AsSpan(c * plane, plane);
            int min = 255, max = 0;
            foreach (byte v in span)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            if (max == min)
            {
                continue;
            }
            double scale = 255.0 / (max - min);
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (byte)Math.Clamp((span[i] - min) * scale, 0, 255);
            }
        }
    }

    private static void Equalize(byte[] image, int channels, int plane)
    {
        // torchvision's _scale_channel (PIL's equalize): a lookup table from the cumulative histogram, the step
        // being the count of all but the last occupied level over 255.
        Span<int> histogram = stackalloc int[256];
        Span<int> lut = stackalloc int[256];
        for (int c = 0; c < channels; c++)
        {
            var span = image.AsSpan(c * plane, plane);
            histogram.Clear();
            foreach (byte v in span)
            {
                histogram[v]++;
            }
            int last = 255;
            while (histogram[last] == 0)
            {
                last--;
            }
            int step = (span.Length - histogram[last]) / 255;
            if (step == 0)
            {
                continue;
            }
            int cumulative = 0;
            for (int v = 0; v < 256; v++)
            {
                lut[v] = Math.Min((cumulative + step / 2) / step, 255);
                cumulative += histogram[v];
            }
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (byte)lut[span[i]];
            }
        }
    }
}

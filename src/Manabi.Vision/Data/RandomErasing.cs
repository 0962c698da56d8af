namespace Manabi.Vision.Data;

/// <summary>
/// The box sampling of random erasing (Zhong et al. 2020), shared by the Siamese view augmentation and the
/// classifier's training batches so that both erase alike.
/// </summary>
internal static class RandomErasing
{
    /// <summary>timm's area range for its train scripts' <c>--reprob</c>: 2 % to a third of the image.</summary>
    public const double MinScale = 0.02, MaxScale = 1.0 / 3;

    /// <summary>timm's aspect-ratio range: 0.3 to 1/0.3, sampled log-uniformly.</summary>
    public const double MinAspectRatio = 0.3, MaxAspectRatio = 1 / 0.3;

    /// <summary>
    /// torchvision's <c>RandomErasing.get_params</c> (10 attempts, log-uniform aspect ratio), also rejecting boxes
    /// whose rounded area leaves the scale range; null when no attempt fits.
    /// </summary>
    public static (int Top, int Left, int Height, int Width)? SampleBox(Random random, int height, int width,
        double minScale, double maxScale, double minAspectRatio, double maxAspectRatio)
    {
        double area = (double)height * width;
        double logMin = Math.Log(minAspectRatio), logMax = Math.Log(maxAspectRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * SeededDraws.Uniform(random, minScale, maxScale);
            double ratio = Math.Exp(SeededDraws.Uniform(random, logMin, logMax));
            int h = (int)Math.Round(Math.Sqrt(target * ratio));
            int w = (int)Math.Round(Math.Sqrt(target / ratio));
            double fraction = h * w / area;
            if (h > 0 && w > 0 && h < height && w < width && fraction >= minScale && fraction <= maxScale)
            {
                return (random.Next(0, height - h + 1), random.Next(0, width - w + 1), h, w);
            }
        }
        return null;
    }

    /// <summary>
    /// timm's mode 'pixel' on one normalised image (channels, height, width): with <paramref name="probability"/>, a
    /// box of it is replaced by standard normal noise per pixel and channel. Returns whether it erased.
    /// </summary>
    public static bool ErasePixels(Random random, Span<float> image, int channels, int height, int width, double probability)
    {
        if (!(random.NextDouble() < probability)
            || SampleBox(random, height, width, MinScale, MaxScale, MinAspectRatio, MaxAspectRatio) is not var (top, left, h, w))
        {
            return false;
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            for (int y = top; y < top + h; y++)
            {
                for (int x = left; x < left + w; x++)
                {
                    image[c * plane + y * width + x] = (float)SeededDraws.Normal(random);
                }
            }
        }
        return true;
    }
}

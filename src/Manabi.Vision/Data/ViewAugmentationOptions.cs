namespace Manabi.Vision.Data;

/// <summary>
/// Settings of <see cref="ViewAugmentation"/>. The defaults are the SimCLR (Chen et al., 2020, appendix A) /
/// SimSiam (Chen &amp; He, 2021) recipe adapted to 28×28 grey images: the random resized crop keeps SimSiam's
/// scale range (0.2, 1) and torchvision's aspect range (3/4, 4/3); colour jitter becomes brightness/contrast
/// jitter at SimSiam's strength 0.4 with probability 0.8 (saturation and hue mean nothing for one channel);
/// the blur kernel is 3 pixels, SimCLR's "10% of the side" rule for 28 pixels, with the sigma range scaled down
/// from (0.1, 2) to (0.1, 1) to suit that kernel; random erasing follows Zhong et al. (2020) / torchvision's
/// <c>RandomErasing</c> with a smaller probability and area so that little of a small image is lost. The mild
/// affine jitter and Gaussian noise are additions for small images, where a crop alone moves few pixels.
/// </summary>
public sealed record ViewAugmentationOptions
{
    /// <summary>Probability of a random resized crop (otherwise the whole image is kept).</summary>
    public double CropProbability { get; init; } = 1.0;

    /// <summary>Smallest crop area as a fraction of the image area.</summary>
    public double MinCropScale { get; init; } = 0.2;

    /// <summary>Largest crop area as a fraction of the image area.</summary>
    public double MaxCropScale { get; init; } = 1.0;

    /// <summary>Smallest crop aspect ratio (width / height); ratios are sampled log-uniformly as in torchvision's <c>RandomResizedCrop</c>.</summary>
    public double MinAspectRatio { get; init; } = 3.0 / 4;

    /// <summary>Largest crop aspect ratio (width / height).</summary>
    public double MaxAspectRatio { get; init; } = 4.0 / 3;

    /// <summary>Probability of a horizontal flip.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Probability of the affine jitter (rotation, translation, shear).</summary>
    public double AffineProbability { get; init; } = 0.5;

    /// <summary>Rotation drawn uniformly from ±this many degrees.</summary>
    public double MaxRotationDegrees { get; init; } = 10;

    /// <summary>Translation along each axis drawn uniformly from ±this fraction of the side.</summary>
    public double MaxTranslate { get; init; } = 0.1;

    /// <summary>Horizontal shear drawn uniformly from ±this many degrees.</summary>
    public double MaxShearDegrees { get; init; } = 5;

    /// <summary>Probability of additive Gaussian noise.</summary>
    public double NoiseProbability { get; init; } = 0.3;

    /// <summary>Standard deviation of the noise in the [0, 1] pixel scale (before normalisation).</summary>
    public double NoiseStd { get; init; } = 0.1;

    /// <summary>Probability of a Gaussian blur.</summary>
    public double BlurProbability { get; init; } = 0.3;

    /// <summary>Smallest blur sigma, in pixels.</summary>
    public double MinBlurSigma { get; init; } = 0.1;

    /// <summary>Largest blur sigma, in pixels.</summary>
    public double MaxBlurSigma { get; init; } = 1.0;

    /// <summary>Side of the square blur kernel; odd.</summary>
    public int BlurKernelSize { get; init; } = 3;

    /// <summary>Probability of random erasing (Zhong et al.): a rectangle set to 0 after normalisation.</summary>
    public double ErasingProbability { get; init; } = 0.25;

    /// <summary>Smallest erased area as a fraction of the image area.</summary>
    public double MinErasingScale { get; init; } = 0.02;

    /// <summary>Largest erased area as a fraction of the image area.</summary>
    public double MaxErasingScale { get; init; } = 0.2;

    /// <summary>Smallest erased-rectangle aspect ratio (height / width), sampled log-uniformly; torchvision's default.</summary>
    public double MinErasingAspectRatio { get; init; } = 0.3;

    /// <summary>Largest erased-rectangle aspect ratio (height / width); torchvision's default.</summary>
    public double MaxErasingAspectRatio { get; init; } = 3.3;

    /// <summary>Probability of the brightness/contrast jitter, the grey analogue of SimCLR's colour jitter.</summary>
    public double JitterProbability { get; init; } = 0.8;

    /// <summary>Brightness factor drawn uniformly from [1 − this, 1 + this]; in [0, 1].</summary>
    public double Brightness { get; init; } = 0.4;

    /// <summary>Contrast factor drawn uniformly from [1 − this, 1 + this]; in [0, 1].</summary>
    public double Contrast { get; init; } = 0.4;

    /// <summary>
    /// Options under which <see cref="ViewAugmentation"/> only normalises: every probability 0. A starting point
    /// for switching on one transform at a time.
    /// </summary>
    public static ViewAugmentationOptions None { get; } = new()
    {
        CropProbability = 0,
        FlipProbability = 0,
        AffineProbability = 0,
        NoiseProbability = 0,
        BlurProbability = 0,
        ErasingProbability = 0,
        JitterProbability = 0,
    };
}

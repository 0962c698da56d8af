namespace Manabi.Vision.Data;

/// <summary>
/// The random choices for one image of a <see cref="ViewAugmentation"/> batch. A new instance is the identity:
/// whole-image crop, no flip, no affine jitter, brightness and contrast 1, no blur, no noise, no erasing.
/// </summary>
public sealed record ImageAugmentationParameters
{
    /// <summary>Top edge of the crop as a fraction of the height.</summary>
    public double CropTop { get; init; }

    /// <summary>Left edge of the crop as a fraction of the width.</summary>
    public double CropLeft { get; init; }

    /// <summary>Height of the crop as a fraction of the height; the crop is resized to the full image.</summary>
    public double CropHeight { get; init; } = 1;

    /// <summary>Width of the crop as a fraction of the width.</summary>
    public double CropWidth { get; init; } = 1;

    /// <summary>Mirror the cropped image horizontally.</summary>
    public bool Flip { get; init; }

    /// <summary>Rotation of the content about the centre, in degrees (clockwise on screen, y pointing down).</summary>
    public double RotationDegrees { get; init; }

    /// <summary>Rightward shift of the content as a fraction of the width.</summary>
    public double TranslateX { get; init; }

    /// <summary>Downward shift of the content as a fraction of the height.</summary>
    public double TranslateY { get; init; }

    /// <summary>Horizontal shear of the content, in degrees.</summary>
    public double ShearDegrees { get; init; }

    /// <summary>Factor the pixels are multiplied by (then clamped to [0, 1]).</summary>
    public double BrightnessFactor { get; init; } = 1;

    /// <summary>Factor the deviations from the image mean are multiplied by (then clamped to [0, 1]).</summary>
    public double ContrastFactor { get; init; } = 1;

    /// <summary>Gaussian blur sigma in pixels; 0 for no blur.</summary>
    public double BlurSigma { get; init; }

    /// <summary>Standard deviation of the additive noise in the [0, 1] pixel scale; 0 for none.</summary>
    public double NoiseStd { get; init; }

    /// <summary>First erased row, in pixels.</summary>
    public int EraseTop { get; init; }

    /// <summary>First erased column, in pixels.</summary>
    public int EraseLeft { get; init; }

    /// <summary>Erased rows; 0 for no erasing.</summary>
    public int EraseHeight { get; init; }

    /// <summary>Erased columns; 0 for no erasing.</summary>
    public int EraseWidth { get; init; }
}

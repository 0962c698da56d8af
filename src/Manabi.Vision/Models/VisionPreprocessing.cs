using Manabi.Vision.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>How images are resampled to a model's input size (timm's <c>interpolation</c>).</summary>
public enum ImageInterpolation
{
    /// <summary>Bilinear, antialiased when shrinking (timm's ResNet default).</summary>
    Bilinear,

    /// <summary>Bicubic, antialiased when shrinking (timm's ViT default).</summary>
    Bicubic,

    /// <summary>Nearest neighbour.</summary>
    Nearest,
}

/// <summary>How an image is brought to the input size before the crop (timm's <c>crop_mode</c>).</summary>
public enum ImageCropMode
{
    /// <summary>Shorter side to size / crop_pct keeping the aspect ratio, then the centre crop (timm's default).</summary>
    Center,

    /// <summary>Both sides to size / crop_pct (the aspect ratio is not kept), then the centre crop.</summary>
    Squash,
}

/// <summary>
/// A model's evaluation preprocessing, as timm's <c>pretrained_cfg</c> / <c>resolve_data_config</c>: input size
/// (C, H, W), per-channel mean and standard deviation of pixels scaled to [0, 1], interpolation, crop_pct and crop mode.
/// <see cref="Preprocess(Tensor)"/> applies it like timm's <c>transforms_imagenet_eval</c>.
/// </summary>
/// <param name="Channels">Input channels (timm <c>input_size[0]</c>).</param>
/// <param name="Height">Input height.</param>
/// <param name="Width">Input width.</param>
/// <param name="Mean">Per-channel mean subtracted.</param>
/// <param name="Std">Per-channel standard deviation divided by.</param>
/// <param name="Interpolation">The resampling filter.</param>
/// <param name="CropPercent">The fraction of the resized image the centre crop keeps (timm <c>crop_pct</c>); 1 keeps it all.</param>
/// <param name="CropMode">How the image is resized before the crop.</param>
public sealed record VisionPreprocessing(int Channels, int Height, int Width, IReadOnlyList<float> Mean, IReadOnlyList<float> Std,
    ImageInterpolation Interpolation, double CropPercent, ImageCropMode CropMode = ImageCropMode.Center)
{
    /// <summary>timm's <c>IMAGENET_DEFAULT_MEAN</c>.</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>timm's <c>IMAGENET_DEFAULT_STD</c>.</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = [0.229f, 0.224f, 0.225f];

    /// <summary>timm's <c>IMAGENET_INCEPTION_MEAN</c> (and <c>_STD</c>): 0.5 per channel, what timm's ViT weights expect.</summary>
    public static IReadOnlyList<float> InceptionMeanStd { get; } = [0.5f, 0.5f, 0.5f];

    /// <summary>
    /// The mean of the Fashion-MNIST training pixels scaled to [0, 1]: what <c>ImageDataset.ChannelStatistics</c>
    /// gives the trainer for <c>--data fashion-mnist</c> (0.28604), to four places.
    /// </summary>
    public const float FashionMnistMean = 0.2860f;

    /// <summary>The standard deviation of the Fashion-MNIST training pixels (0.35302), to four places.</summary>
    public const float FashionMnistStd = 0.3530f;

    /// <summary>The input size as timm writes it, (channels, height, width).</summary>
    public (int Channels, int Height, int Width) InputSize => (Channels, Height, Width);

    /// <summary>timm's ResNet default (<c>resnet.py _cfg</c>): ImageNet mean/std, bilinear, crop_pct 0.875.</summary>
    public static VisionPreprocessing ResNetImageNet(int size = 224, int channels = 3) =>
        new(channels, size, size, PerChannel(ImageNetMean, channels), PerChannel(ImageNetStd, channels), ImageInterpolation.Bilinear, 0.875);

    /// <summary>
    /// timm's ViT default (<c>vision_transformer.py _cfg</c>): Inception mean/std (0.5), bicubic, crop_pct 0.9 at
    /// 224 pixels; at other sizes (the <c>_384</c> weights) crop_pct 1.0, as timm's configurations for them.
    /// </summary>
    public static VisionPreprocessing VisionTransformerImageNet(int size = 224, int channels = 3) =>
        new(channels, size, size, PerChannel(InceptionMeanStd, channels), PerChannel(InceptionMeanStd, channels), ImageInterpolation.Bicubic, size == 224 ? 0.9 : 1.0);

    /// <summary>The 28×28 Fashion-MNIST models: the training split's statistics, bilinear, no crop.</summary>
    public static VisionPreprocessing FashionMnist(int size = 28, int channels = 1) =>
        new(channels, size, size, PerChannel([FashionMnistMean], channels), PerChannel([FashionMnistStd], channels), ImageInterpolation.Bilinear, 1.0);

    /// <summary>
    /// This preprocessing for another input shape (a model created or trained at another size or channel count):
    /// the statistics follow the channels (averaged for one channel, repeated for three).
    /// </summary>
    public VisionPreprocessing WithInput(int channels, int height, int width) =>
        this with { Channels = channels, Height = height, Width = width, Mean = PerChannel(Mean, channels), Std = PerChannel(Std, channels) };

    /// <summary>The same normalisation as a batch loader's <see cref="Augmentation"/> (no randomness), for data already at the input size.</summary>
    public Augmentation ToAugmentation() => new([.. Mean], [.. Std]);

    /// <summary>Checks that the sizes, statistics and crop are usable.</summary>
    /// <exception cref="ArgumentException">Which field is not; the message says.</exception>
    public void Validate()
    {
        if (Channels <= 0 || Height <= 0 || Width <= 0)
        {
            throw new ArgumentException($"The input size ({Channels}, {Height}, {Width}) must be positive.");
        }
        if (Mean.Count != Channels || Std.Count != Channels)
        {
            throw new ArgumentException($"{Channels} channels need as many means and standard deviations; got {Mean.Count} and {Std.Count}.");
        }
        if (Std.Any(s => !(s > 0) || !float.IsFinite(s)) || Mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException("The means must be finite and the standard deviations positive.");
        }
        if (!(CropPercent > 0 && CropPercent <= 1))
        {
            throw new ArgumentException($"crop_pct must be in (0, 1], got {CropPercent}.");
        }
    }

    /// <summary>
    /// timm's evaluation transform on images (channels, height, width) or (batch, channels, height, width): bytes
    /// (0–255) or floats in [0, 1]. Grey images gain three equal channels and colour ones become luma (ITU-R BT.601)
    /// for a one-channel model; then the resize (<see cref="CropMode"/>, to size / <see cref="CropPercent"/>), the
    /// centre crop to <see cref="Height"/>×<see cref="Width"/> and the normalisation. Returns float32 of the input's rank.
    /// </summary>
    /// <exception cref="ArgumentException">Not a 3-D or 4-D image tensor of 1 or 3 channels.</exception>
    public Tensor Preprocess(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Validate();
        bool single = image.dim() == 3;
        if ((!single && image.dim() != 4) || image.shape[^3] is not (1 or 3))
        {
            throw new ArgumentException($"Expected images (channels, height, width) or (batch, channels, height, width) with 1 or 3 channels; got ({string.Join(", ", image.shape)}).", nameof(image));
        }
        using var scope = NewDisposeScope();
        var x = single ? image.unsqueeze(0) : image;
        x = x.dtype == ScalarType.Byte ? x.to_type(ScalarType.Float32) / 255 : x.to_type(ScalarType.Float32);
        x = MatchChannels(x, Channels);

        long height = x.shape[2], width = x.shape[3];
        long scaleHeight = (long)Math.Floor(Height / CropPercent), scaleWidth = (long)Math.Floor(Width / CropPercent);
        long newHeight, newWidth;
        if (CropMode == ImageCropMode.Squash || scaleHeight != scaleWidth)
        {
            (newHeight, newWidth) = (scaleHeight, scaleWidth);
        }
        else if (height <= width)
        {
            // torchvision's Resize(int): the shorter side to the size, the longer one scaled and truncated.
            (newHeight, newWidth) = (scaleHeight, (long)(scaleHeight * (double)width / height));
        }
        else
        {
            (newHeight, newWidth) = ((long)(scaleWidth * (double)height / width), scaleWidth);
        }
        if (newHeight != height || newWidth != width)
        {
            var mode = Interpolation switch
            {
                ImageInterpolation.Bicubic => InterpolationMode.Bicubic,
                ImageInterpolation.Nearest => InterpolationMode.Nearest,
                _ => InterpolationMode.Bilinear,
            };
            bool smooth = mode != InterpolationMode.Nearest;
            x = nn.functional.interpolate(x, [newHeight, newWidth], mode: mode, align_corners: smooth ? false : null, antialias: smooth);
            // PIL resizes bytes, so bicubic overshoot is clipped; do the same.
            x = x.clamp(0, 1);
        }
        x = CenterCrop(x, Height, Width);
        var mean = tensor(Mean.ToArray()).reshape(1, Channels, 1, 1);
        var std = tensor(Std.ToArray()).reshape(1, Channels, 1, 1);
        x = (x - mean) / std;
        return (single ? x.squeeze(0) : x).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Reads a PNG or JPEG file and <see cref="Preprocess(Tensor)">preprocesses</see> it: (channels, height, width).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    /// <exception cref="InvalidDataException">Not a decodable or complete PNG or JPEG; the message names the file.</exception>
    public Tensor PreprocessFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Channels is not (1 or 3))
        {
            throw new InvalidOperationException($"Image files give 1 or 3 channels; this preprocessing has {Channels}.");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(path) ? $"'{path}' is a folder, not an image file." : $"'{path}' does not exist.", path);
        }
        using var scope = NewDisposeScope();
        return Preprocess(ToTensor(ImageFile.Decode(path))).MoveToOuterDisposeScope();
    }

    /// <summary>A decoded image as a (channels, height, width) byte tensor with this config's channels (luma for one).</summary>
    internal Tensor ToTensor(DecodedImage image)
    {
        var planes = new byte[Channels * image.Width * image.Height];
        image.WritePlanes(planes, Channels);
        return tensor(planes, [Channels, image.Height, image.Width]);
    }

    private static Tensor MatchChannels(Tensor x, int channels)
    {
        long have = x.shape[1];
        if (have == channels)
        {
            return x;
        }
        if (channels == 1)
        {
            // As DecodedImage.WritePlanes: colour images join a grey model as luma.
            return (x[.., 0..1] * 0.299 + x[.., 1..2] * 0.587 + x[.., 2..3] * 0.114);
        }
        return have == 1 ? x.expand(-1, channels, -1, -1) : throw new ArgumentException($"Cannot turn {have} channels into {channels}.");
    }

    private static Tensor CenterCrop(Tensor x, int height, int width)
    {
        long h = x.shape[2], w = x.shape[3];
        if (h < height || w < width)
        {
            // torchvision pads with zeros before cropping an image smaller than the crop.
            long padTop = Math.Max(0, (height - h) / 2), padLeft = Math.Max(0, (width - w) / 2);
            x = nn.functional.pad(x, [padLeft, Math.Max(0, width - w - padLeft), padTop, Math.Max(0, height - h - padTop)]);
            (h, w) = (x.shape[2], x.shape[3]);
        }
        // torchvision's CenterCrop: the offsets round half to even, as Python's round.
        long top = (long)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
        long left = (long)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        return x.narrow(2, top, height).narrow(3, left, width);
    }

    private static float[] PerChannel(IReadOnlyList<float> values, int channels) =>
        values.Count == channels ? [.. values]
        : channels == 1 ? [values.Average()]
        : values.Count == 1 ? Enumerable.Repeat(values[0], channels).ToArray()
        : throw new ArgumentException($"{values.Count} statistics do not fit {channels} channels.", nameof(channels));
}

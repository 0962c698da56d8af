using SkiaSharp;

namespace Manabi.Vision.Data;

/// <summary>Reads single PNG or JPEG files as the (channels, height, width) bytes a model takes.</summary>
public static class ImageFile
{
    /// <summary>Whether <paramref name="path"/> has a PNG or JPEG extension.</summary>
    public static bool IsImage(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg";

    /// <summary>
    /// Reads one PNG or JPEG image as (channels, height, width) bytes for a model that takes
    /// <paramref name="width"/>×<paramref name="height"/> images with <paramref name="channels"/> (1 or 3) channels;
    /// colour images become luma for one channel.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    /// <exception cref="InvalidDataException">Not a decodable image, truncated, or of another size; the message names the file.</exception>
    public static byte[] Load(string path, int channels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNotEqual(channels is 1 or 3, true, nameof(channels));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }
        var image = Decode(path);
        if (image.Width != width || image.Height != height)
        {
            throw new InvalidDataException($"'{path}' is {image.Width}x{image.Height} but the model takes {width}x{height} images.");
        }
        var pixels = new byte[channels * width * height];
        image.WritePlanes(pixels, channels);
        return pixels;
    }

    /// <summary>Decodes a PNG or JPEG file into RGB bytes.</summary>
    /// <exception cref="InvalidDataException">Not an image SkiaSharp can decode, or truncated.</exception>
    internal static DecodedImage Decode(string path)
    {
        using var codec = SKCodec.Create(path, out var opened)
            ?? throw new InvalidDataException($"'{path}' is not a readable PNG or JPEG image ({opened}).");
        // SKBitmap.Decode hands back a partly grey image when the data ends early; the codec's result says so.
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var result = codec.GetPixels(info, out byte[] rgba);
        if (result == SKCodecResult.IncompleteInput)
        {
            throw new InvalidDataException($"'{path}' is truncated: the image data ends before the last row.");
        }
        if (result != SKCodecResult.Success || rgba is null)
        {
            throw new InvalidDataException($"'{path}' is not a readable PNG or JPEG image ({result}).");
        }
        int count = info.Width * info.Height;
        var rgb = new byte[count * 3];
        bool grey = true;
        for (int p = 0; p < count; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            rgb[3 * p] = r;
            rgb[3 * p + 1] = g;
            rgb[3 * p + 2] = b;
            grey &= r == g && g == b;
        }
        return new DecodedImage(path, rgb, info.Width, info.Height, grey);
    }
}

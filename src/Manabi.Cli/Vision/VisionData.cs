using Manabi.Torch.Data;
using Manabi.Vision.Data;
using SkiaSharp;

namespace Manabi.Cli.Vision;

/// <summary>Resolves the <c>--data</c> option of <c>manabi vision</c>: "fashion-mnist" or an image folder.</summary>
public static class VisionData
{
    /// <summary>The name that selects Fashion-MNIST.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>
    /// Loads the training and test splits. A folder must hold <c>train/CLASS/*.png|jpg</c> and
    /// <c>test/CLASS/*.png|jpg</c>; every image must have the same size, and all grey images give one channel.
    /// </summary>
    /// <exception cref="InputException">The data set is absent or unusable; the message says why and how to fix it.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Equals(FashionMnistName, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return (FashionMnist.Load(train: true), FashionMnist.Load(train: false));
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
            {
                throw new InputException($"--data fashion-mnist: {ex.Message}", ex);
            }
        }
        if (!Directory.Exists(data))
        {
            throw new InputException($"--data: '{data}' is neither 'fashion-mnist' nor a folder.");
        }
        string trainFolder = Path.Combine(data, "train"), testFolder = Path.Combine(data, "test");
        if (!Directory.Exists(trainFolder) || !Directory.Exists(testFolder))
        {
            throw new InputException($"--data: '{data}' needs the subfolders train/ and test/, each with one folder of images per class.");
        }
        var classes = Directory.GetDirectories(trainFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new InputException($"--data: '{trainFolder}' needs at least two class folders.");
        }
        var train = ReadFolder(trainFolder, classes!, null);
        var test = ReadFolder(testFolder, classes!, train);
        return (train, test);
    }

    /// <summary>Reads one split; <paramref name="like"/> fixes the size and channels the images must have.</summary>
    private static ImageDataset ReadFolder(string folder, List<string?> classes, ImageDataset? like)
    {
        var images = new List<(byte[] Rgb, int Width, int Height, bool Grey, string Path)>();
        var labels = new List<int>();
        for (int label = 0; label < classes.Count; label++)
        {
            string classFolder = Path.Combine(folder, classes[label]!);
            if (!Directory.Exists(classFolder))
            {
                continue;
            }
            foreach (string file in Directory.EnumerateFiles(classFolder).Where(IsImage).Order(StringComparer.Ordinal))
            {
                images.Add(Decode(file));
                labels.Add(label);
            }
        }
        if (images.Count == 0)
        {
            throw new InputException($"--data: no PNG or JPEG images under '{folder}'.");
        }
        int width = like?.Width ?? images[0].Width, height = like?.Height ?? images[0].Height;
        var wrong = images.FirstOrDefault(i => i.Width != width || i.Height != height);
        if (wrong.Path is not null)
        {
            throw new InputException($"--data: '{wrong.Path}' is {wrong.Width}×{wrong.Height} but the images are {width}×{height}; resize them all to one size.");
        }
        int channels = like?.Channels ?? (images.All(i => i.Grey) ? 1 : 3);
        int plane = width * height;
        var pixels = new byte[(long)images.Count * channels * plane];
        for (int n = 0; n < images.Count; n++)
        {
            var (rgb, _, _, _, _) = images[n];
            int offset = n * channels * plane;
            for (int p = 0; p < plane; p++)
            {
                if (channels == 1)
                {
                    // Luma (ITU-R BT.601) when a colour image joins a grey data set.
                    pixels[offset + p] = (byte)Math.Round(0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2]);
                }
                else
                {
                    for (int c = 0; c < 3; c++)
                    {
                        pixels[offset + c * plane + p] = rgb[3 * p + c];
                    }
                }
            }
        }
        return new ImageDataset(pixels, [.. labels], channels, height, width, classes!);
    }

    /// <summary>
    /// Reads one PNG or JPEG image as (channels, height, width) bytes for a model that takes
    /// <paramref name="width"/>×<paramref name="height"/> images with <paramref name="channels"/> channels.
    /// </summary>
    /// <exception cref="InputException">Missing, unreadable or of another size; the message names <paramref name="argument"/> and the file.</exception>
    public static byte[] ReadImage(string path, int channels, int width, int height, string argument)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InputException($"{argument}: '{path}' does not exist.");
        }
        var (rgb, w, h, _, _) = Decode(path);
        if (w != width || h != height)
        {
            throw new InputException($"{argument}: '{path}' is {w}x{h} but the model takes {width}x{height} images.");
        }
        int plane = width * height;
        var pixels = new byte[channels * plane];
        for (int p = 0; p < plane; p++)
        {
            if (channels == 1)
            {
                pixels[p] = (byte)Math.Round(0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2]);
            }
            else
            {
                for (int c = 0; c < 3; c++)
                {
                    pixels[c * plane + p] = rgb[3 * p + c];
                }
            }
        }
        return pixels;
    }

    private static bool IsImage(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg";

    /// <summary>Decodes an image into RGB bytes (SkiaSharp decodes to BGRA or RGBA; the channels are reordered here).</summary>
    private static (byte[] Rgb, int Width, int Height, bool Grey, string Path) Decode(string path)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new InputException($"--data: '{path}' is not a readable PNG or JPEG image.");
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? bitmap.Copy() : bitmap.Copy(SKColorType.Rgba8888);
        byte[] bytes = rgba.Bytes;
        int count = rgba.Width * rgba.Height;
        var rgb = new byte[count * 3];
        bool grey = true;
        for (int p = 0; p < count; p++)
        {
            byte r = bytes[4 * p], g = bytes[4 * p + 1], b = bytes[4 * p + 2];
            rgb[3 * p] = r;
            rgb[3 * p + 1] = g;
            rgb[3 * p + 2] = b;
            grey &= r == g && g == b;
        }
        return (rgb, rgba.Width, rgba.Height, grey, path);
    }
}

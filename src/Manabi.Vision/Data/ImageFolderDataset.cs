namespace Manabi.Vision.Data;

/// <summary>
/// Image folders as TorchVision's <c>ImageFolder</c> lays them out: <c>train/CLASS/*.png|jpg</c> and
/// <c>test/CLASS/*.png|jpg</c>, one folder per class, classes in ordinal order of their names.
/// </summary>
public static class ImageFolderDataset
{
    /// <summary>
    /// Loads the training and test splits of <paramref name="folder"/>. Every image must have the same size; when
    /// all training images are grey the data set has one channel, else three (the test split follows the training one).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder or its train/ or test/ subfolder is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">Fewer than two classes, no images, an image of another size, or an unreadable or truncated image; the message names the file or folder.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"'{folder}' is not a folder.");
        }
        string trainFolder = Path.Combine(folder, "train"), testFolder = Path.Combine(folder, "test");
        if (!Directory.Exists(trainFolder) || !Directory.Exists(testFolder))
        {
            throw new DirectoryNotFoundException($"'{folder}' needs the subfolders train/ and test/, each with one folder of images per class.");
        }
        var classes = Directory.GetDirectories(trainFolder).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new InvalidDataException($"'{trainFolder}' needs at least two class folders.");
        }
        var train = ReadSplit(trainFolder, classes, null);
        var test = ReadSplit(testFolder, classes, train);
        return (train, test);
    }

    /// <summary>Reads one split; <paramref name="like"/> fixes the size and channels the images must have.</summary>
    private static ImageDataset ReadSplit(string folder, List<string> classes, ImageDataset? like)
    {
        var images = new List<DecodedImage>();
        var labels = new List<int>();
        for (int label = 0; label < classes.Count; label++)
        {
            string classFolder = Path.Combine(folder, classes[label]);
            if (!Directory.Exists(classFolder))
            {
                continue;
            }
            foreach (string file in Directory.EnumerateFiles(classFolder).Where(ImageFile.IsImage).Order(StringComparer.Ordinal))
            {
                images.Add(ImageFile.Decode(file));
                labels.Add(label);
            }
        }
        if (images.Count == 0)
        {
            throw new InvalidDataException($"no PNG or JPEG images under '{folder}'.");
        }
        int width = like?.Width ?? images[0].Width, height = like?.Height ?? images[0].Height;
        if (images.FirstOrDefault(i => i.Width != width || i.Height != height) is { } wrong)
        {
            throw new InvalidDataException($"'{wrong.Path}' is {wrong.Width}×{wrong.Height} but the images are {width}×{height}; resize them all to one size.");
        }
        int channels = like?.Channels ?? (images.All(i => i.IsGrey) ? 1 : 3);
        int imageBytes = channels * width * height;
        var pixels = new byte[(long)images.Count * imageBytes];
        for (int n = 0; n < images.Count; n++)
        {
            images[n].WritePlanes(pixels.AsSpan(n * imageBytes, imageBytes), channels);
        }
        return new ImageDataset(pixels, [.. labels], channels, height, width, classes);
    }
}

using Manabi.Vision.Data;

namespace Manabi.Cli.Vision;

/// <summary>Maps the image-data errors of <see cref="ImageDataSource"/> and <see cref="ImageFile"/> to bad input that names the option.</summary>
public static class VisionData
{
    /// <summary>The name that selects Fashion-MNIST.</summary>
    public const string FashionMnistName = ImageDataSource.FashionMnistName;

    /// <summary>Loads the training and test splits of <c>--data</c> (see <see cref="ImageDataSource.Load"/>).</summary>
    /// <exception cref="InputException">The data set is absent or unusable; the message says why and how to fix it.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            return ImageDataSource.Load(data);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            string option = ImageDataSource.IsFashionMnist(data) ? "--data fashion-mnist" : "--data";
            throw new InputException($"{option}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads one image argument (see <see cref="ImageFile.Load"/>).</summary>
    /// <exception cref="InputException">Missing, unreadable, truncated or of another size; the message names <paramref name="argument"/> and the file.</exception>
    public static byte[] ReadImage(string path, int channels, int width, int height, string argument)
    {
        try
        {
            return ImageFile.Load(path, channels, width, height);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new InputException($"{argument}: {ex.Message}", ex);
        }
    }
}

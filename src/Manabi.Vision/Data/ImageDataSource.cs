namespace Manabi.Vision.Data;

/// <summary>
/// Resolves the data-set name a run records (<c>state.json</c>'s <c>data</c>): <see cref="FashionMnistName"/> or an
/// image folder (<see cref="ImageFolderDataset"/>).
/// </summary>
public static class ImageDataSource
{
    /// <summary>The name that selects Fashion-MNIST.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>Whether <paramref name="source"/> names Fashion-MNIST (case-insensitive).</summary>
    public static bool IsFashionMnist(string source) => string.Equals(source, FashionMnistName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads the training and test splits of Fashion-MNIST or of an image folder.</summary>
    /// <exception cref="FileNotFoundException">Fashion-MNIST is not on this machine; the message says where it was looked for.</exception>
    /// <exception cref="DirectoryNotFoundException">Neither Fashion-MNIST nor a folder, or a folder without train/ and test/.</exception>
    /// <exception cref="InvalidDataException">An unusable file or folder; the message names it.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (IsFashionMnist(source))
        {
            return (FashionMnist.Load(train: true), FashionMnist.Load(train: false));
        }
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"'{source}' is neither '{FashionMnistName}' nor a folder.");
        }
        return ImageFolderDataset.Load(source);
    }
}

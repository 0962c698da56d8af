using Manabi.Numerics.Datasets;

namespace Manabi.Vision.Data;

/// <summary>
/// Fashion-MNIST (Zalando; 60,000 training and 10,000 test 28×28 grey images in 10 classes), read from the IDX
/// files in the first folder that has them: <c>$MANABI_DATA</c> (or its <c>fashion-mnist</c> subfolder),
/// <c>fashion-mnist</c> under <see cref="Manabi.Numerics.ManabiCache.Data"/>, <c>/usr/share/datasets/fashion-mnist</c> (Debian's <c>dataset-fashion-mnist</c>).
/// </summary>
public static class FashionMnist
{
    /// <summary>The class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>What to do when the data set is absent.</summary>
    public const string InstallHint =
        "Install it with 'sudo apt-get install -y dataset-fashion-mnist' (Debian/Ubuntu), or download the four *-ubyte.gz files from " +
        "https://github.com/zalandoresearch/fashion-mnist into ~/.cache/manabi/data/fashion-mnist ($MANABI_CACHE/data/fashion-mnist), " +
        "or set MANABI_DATA to their folder.";

    /// <summary>The folders searched, in order.</summary>
    public static IReadOnlyList<string> SearchFolders()
    {
        var folders = new List<string>();
        string? env = Environment.GetEnvironmentVariable("MANABI_DATA");
        if (!string.IsNullOrWhiteSpace(env))
        {
            folders.Add(env);
            folders.Add(Path.Combine(env, "fashion-mnist"));
        }
        folders.Add(Path.Combine(Manabi.Numerics.ManabiCache.Data, "fashion-mnist"));
        folders.Add("/usr/share/datasets/fashion-mnist");
        return folders;
    }

    /// <summary>The folder holding the data set, or null when none of <see cref="SearchFolders"/> has it.</summary>
    public static string? Locate() => SearchFolders().FirstOrDefault(f => FileFor(f, "train-images-idx3-ubyte") is not null && FileFor(f, "t10k-labels-idx1-ubyte") is not null);

    /// <summary>Loads the training (<paramref name="train"/> true) or test split.</summary>
    /// <exception cref="FileNotFoundException">The data set is absent; the message lists where it looked and how to install it.</exception>
    public static ImageDataset Load(bool train, string? folder = null)
    {
        folder ??= Locate() ?? throw new FileNotFoundException(
            $"Fashion-MNIST was not found (looked in {string.Join(", ", SearchFolders())}). {InstallHint}");
        string prefix = train ? "train" : "t10k";
        string imagesPath = FileFor(folder, $"{prefix}-images-idx3-ubyte") ?? throw new FileNotFoundException($"{folder}: {prefix}-images-idx3-ubyte(.gz) is missing. {InstallHint}");
        string labelsPath = FileFor(folder, $"{prefix}-labels-idx1-ubyte") ?? throw new FileNotFoundException($"{folder}: {prefix}-labels-idx1-ubyte(.gz) is missing. {InstallHint}");
        var (imageShape, pixels) = IdxReader.Read(imagesPath);
        var (labelShape, labelBytes) = IdxReader.Read(labelsPath);
        if (imageShape.Length != 3 || labelShape.Length != 1 || imageShape[0] != labelShape[0])
        {
            throw new InvalidDataException($"{imagesPath}: expected (count, rows, columns) images matching {labelsPath}'s labels.");
        }
        return new ImageDataset(pixels, labelBytes.Select(b => (int)b).ToArray(), 1, imageShape[1], imageShape[2], ClassNames);
    }

    private static string? FileFor(string folder, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name, name.Replace("-idx", ".idx", StringComparison.Ordinal) + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }
}

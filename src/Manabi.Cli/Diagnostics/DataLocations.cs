namespace Manabi.Cli.Diagnostics;

/// <summary>Where Manabi looks for data sets and cached models.</summary>
public static class DataLocations
{
    /// <summary>The name of the default sentence-embedding model.</summary>
    public const string DefaultSentenceModel = "all-MiniLM-L6-v2";

    /// <summary>The Fashion-MNIST files (each may also be stored gzip-compressed with a <c>.gz</c> suffix).</summary>
    public static IReadOnlyList<string> FashionMnistFiles { get; } =
    [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ];

    /// <summary>Manabi's cache folder: <c>$MANABI_CACHE</c>, else <c>~/.cache/manabi</c> (shared with Manabi.Torch's default model).</summary>
    public static string CacheRoot => Manabi.Torch.SentenceTransformers.DefaultSentenceModel.CacheRoot;

    /// <summary>The cache folder of the default sentence model.</summary>
    public static string DefaultSentenceModelFolder => Path.Combine(CacheRoot, "models", DefaultSentenceModel);

    /// <summary>The folders searched for Fashion-MNIST, in order: <c>$MANABI_DATA</c> (and its fashion-mnist sub-folder), the cache, the Debian package.</summary>
    public static IReadOnlyList<string> FashionMnistCandidates()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MANABI_DATA") is { Length: > 0 } data)
        {
            candidates.Add(Path.Combine(data, "fashion-mnist"));
            candidates.Add(data);
        }
        candidates.Add(Path.Combine(CacheRoot, "fashion-mnist"));
        candidates.Add("/usr/share/datasets/fashion-mnist");
        return candidates;
    }

    /// <summary>The first candidate folder holding all Fashion-MNIST files, or null.</summary>
    public static string? FindFashionMnist() =>
        FashionMnistCandidates().FirstOrDefault(folder => FashionMnistFiles.All(file => HasFile(folder, file)));

    private static bool HasFile(string folder, string name) =>
        File.Exists(Path.Combine(folder, name)) || File.Exists(Path.Combine(folder, name + ".gz"));

    /// <summary>The text corpus files (shared/corpus) used to train WordPiece vocabularies.</summary>
    public static IReadOnlyList<string> CorpusFiles { get; } = ["corpus-pydoc.txt.gz", "corpus-wordnet.txt.gz"];

    /// <summary>
    /// The folder holding the text corpus, or null: <c>$MANABI_SHARED/corpus</c>, else the first <c>shared/corpus</c>
    /// beside the repository or one of its parent folders (searched upward from the program and the working folder).
    /// </summary>
    public static string? FindCorpus()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MANABI_SHARED") is { Length: > 0 } shared)
        {
            candidates.Add(Path.Combine(shared, "corpus"));
        }
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                candidates.Add(Path.Combine(dir.FullName, "shared", "corpus"));
            }
        }
        return candidates.FirstOrDefault(folder => CorpusFiles.All(file => File.Exists(Path.Combine(folder, file))));
    }
}

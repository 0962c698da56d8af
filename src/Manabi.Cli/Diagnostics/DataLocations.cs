using Manabi.SentenceTransformers;
using Manabi.Vision.Data;

namespace Manabi.Cli.Diagnostics;

/// <summary>Where Manabi looks for cached models and the text corpus (Fashion-MNIST: <see cref="Manabi.Vision.Data.FashionMnist"/>).</summary>
public static class DataLocations
{
    /// <summary>The name of the default sentence-embedding model.</summary>
    public const string DefaultSentenceModel = "all-MiniLM-L6-v2";

    /// <summary>Manabi's cache folder: <c>$MANABI_CACHE</c>, else <c>~/.cache/manabi</c> (shared with Manabi.Torch's default model).</summary>
    public static string CacheRoot => Manabi.SentenceTransformers.DefaultSentenceModel.CacheRoot;

    /// <summary>The cache folder of the default sentence model.</summary>
    public static string DefaultSentenceModelFolder => Path.Combine(CacheRoot, "models", DefaultSentenceModel);

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

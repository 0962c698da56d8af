using Manabi.Numerics;

namespace Manabi.Cli.Diagnostics;

/// <summary>Where Manabi looks for cached models (Fashion-MNIST: <see cref="Manabi.Vision.Data.FashionMnist"/>).</summary>
public static class DataLocations
{
    /// <summary>The name of the default sentence-embedding model.</summary>
    public const string DefaultSentenceModel = "all-MiniLM-L6-v2";

    /// <summary>Manabi's cache folder, <see cref="ManabiCache.Root"/> (the same one the default sentence model uses).</summary>
    public static string CacheRoot => ManabiCache.Root;

    /// <summary>The cache folder of the default sentence model.</summary>
    public static string DefaultSentenceModelFolder => Path.Combine(ManabiCache.Models, DefaultSentenceModel);
}

namespace Manabi.Numerics;

/// <summary>
/// Reads the Hugging Face hub cache that <c>huggingface_hub</c> and sentence-transformers fill
/// (<c>models--ORG--NAME/snapshots/REVISION/</c>), so that a model already downloaded by Python is reused without a
/// second download. Nothing here downloads.
/// </summary>
public static class HuggingFaceHubCache
{
    /// <summary>
    /// The hub cache folder, as huggingface_hub resolves it: <c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else
    /// <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    public static string Root =>
        ManabiCache.NonEmpty("HF_HUB_CACHE") is { } hub ? hub
        : ManabiCache.NonEmpty("HF_HOME") is { } home ? Path.Combine(home, "hub")
        : ManabiCache.NonEmpty("XDG_CACHE_HOME") is { } xdg ? Path.Combine(xdg, "huggingface", "hub")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub");

    /// <summary>
    /// True when <paramref name="modelId"/> has the shape of a hub model id: <c>NAME</c> or <c>ORG/NAME</c>, each part
    /// letters, digits, '.', '-' or '_' (and not '.' or '..', so an id never leaves the cache folder).
    /// </summary>
    public static bool IsModelId(string? modelId)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            return false;
        }
        string[] parts = modelId.Split('/');
        return parts.Length <= 2 && parts.All(part =>
            part.Length > 0 && part != "." && part != ".." && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'));
    }

    /// <summary>The cache folder of a model: <c><see cref="Root"/>/models--ORG--NAME</c> (it may not exist).</summary>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is not a hub model id.</exception>
    public static string ModelFolder(string modelId)
    {
        if (!IsModelId(modelId))
        {
            throw new ArgumentException($"'{modelId}' is not a Hugging Face model id (NAME or ORG/NAME).", nameof(modelId));
        }
        return Path.Combine(Root, "models--" + modelId.Replace("/", "--", StringComparison.Ordinal));
    }

    /// <summary>
    /// The snapshot folder of <paramref name="modelId"/>, or null when the cache has none: the revision that
    /// <c>refs/<paramref name="reference"/></c> names when that snapshot exists, else the most recently written snapshot.
    /// </summary>
    /// <param name="modelId">A hub id such as <c>sentence-transformers/all-MiniLM-L6-v2</c>.</param>
    /// <param name="reference">The branch or tag whose ref file is read first.</param>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is not a hub model id.</exception>
    public static string? FindSnapshot(string modelId, string reference = "main")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        string snapshots = Path.Combine(ModelFolder(modelId), "snapshots");
        if (!Directory.Exists(snapshots))
        {
            return null;
        }
        string refFile = Path.Combine(ModelFolder(modelId), "refs", reference);
        if (File.Exists(refFile) && File.ReadAllText(refFile).Trim() is { Length: > 0 } revision && IsModelId(revision) && !revision.Contains('/', StringComparison.Ordinal))
        {
            string pinned = Path.Combine(snapshots, revision);
            if (Directory.Exists(pinned))
            {
                return pinned;
            }
        }
        // Without a usable ref (a cache copied by hand, or a ref to a snapshot since deleted) the newest snapshot is
        // the best guess at what the user last downloaded.
        return new DirectoryInfo(snapshots).EnumerateDirectories()
            .OrderByDescending(d => d.LastWriteTimeUtc)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.FullName)
            .FirstOrDefault();
    }
}

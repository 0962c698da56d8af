using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>
/// The 95% training split of shared/corpus: its non-empty lines minus the held-out lines (as a multiset, since
/// heldout.txt repeats some lines), which gives HF's 306,559 training lines.
/// </summary>
internal static class TrainingCorpus
{
    private static readonly Lazy<List<string>> LazyLines = new(Load);

    public static IReadOnlyList<string> Lines => LazyLines.Value;

    public static IReadOnlyList<string> HeldOut { get; } =
        [.. File.ReadAllText(Fixtures.Path("tokenizer", "heldout.txt")).Split('\n').Where(l => l.Length > 0)];

    private static List<string> Load()
    {
        // MANABI_SHARED points elsewhere for worktrees that do not sit beside shared/.
        string shared = Environment.GetEnvironmentVariable("MANABI_SHARED") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(Fixtures.RepositoryRoot, "..", "shared");
        string directory = Path.GetFullPath(Path.Combine(shared, "corpus"));
        string[] files = ["corpus-pydoc.txt.gz", "corpus-wordnet.txt.gz"];
        foreach (string file in files)
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                throw new FileNotFoundException(
                    $"The training corpus is missing: expected {Path.Combine(directory, file)} (shared/corpus beside the repository, or $MANABI_SHARED/corpus). " +
                    "Training-parity tests need it and are not skipped.");
            }
        }
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in HeldOut)
        {
            remaining[line] = remaining.GetValueOrDefault(line) + 1;
        }
        var lines = new List<string>();
        foreach (string file in files)
        {
            foreach (string line in WordPieceTrainer.ReadLines(Path.Combine(directory, file)))
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }
                if (remaining.TryGetValue(line, out int left) && left > 0)
                {
                    remaining[line] = left - 1;
                    continue;
                }
                lines.Add(line);
            }
        }
        return lines;
    }
}

using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>
/// The 95% training split of data/corpus (committed in the repository): its non-empty lines minus the held-out lines (as a multiset, since
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
        string directory = Path.Combine(Fixtures.RepositoryRoot, "data", "corpus");
        string[] files = ["corpus-pydoc.txt.gz", "corpus-wordnet.txt.gz"];
        foreach (string file in files)
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                throw new FileNotFoundException(
                    $"The training corpus is missing: expected {Path.Combine(directory, file)}. It is committed under data/corpus/; " +
                    "restore it with 'git checkout -- data/corpus'. Training-parity tests need it and are not skipped.");
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

using System.Globalization;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>Runs alone: it points $HF_HUB_CACHE, which is process-wide, at a temporary hub cache.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class HubModelCommandTests
{
    [Fact]
    public void AHubIdIsReadFromItsCachedSnapshot()
    {
        using var folder = new TempFolder();
        string model = Path.Combine(folder.Path, "hub", "models--test-org--tiny-sbert");
        string snapshot = Path.Combine(model, "snapshots", "0123abcd");
        CopyFolder(Fixtures.Path("sbert", "tiny-sbert"), snapshot);
        Directory.CreateDirectory(Path.Combine(model, "refs"));
        File.WriteAllText(Path.Combine(model, "refs", "main"), "0123abcd");
        using var env = new EnvironmentOverride(("HF_HUB_CACHE", Path.Combine(folder.Path, "hub")));

        // Run from the temporary folder so that no folder named test-org/tiny-sbert can shadow the id.
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(folder.Path);
        try
        {
            var same = CliRunner.Run("similarity", "A cat sits.", "A cat sits.", "--model", "test-org/tiny-sbert");
            Assert.True(same.ExitCode == 0, same.Stderr);
            Assert.Equal(1.0, double.Parse(same.Stdout.Trim(), CultureInfo.InvariantCulture), 5);

            var missing = CliRunner.Run("similarity", "a", "b", "--model", "test-org/not-downloaded");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("models--test-org--not-downloaded", missing.Stderr, StringComparison.Ordinal);
            Assert.Contains("does not download", missing.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

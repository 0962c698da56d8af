namespace Manabi.Benchmarks.Text;

/// <summary>Finds tests/fixtures/tokenizer above the working directory or the binary.</summary>
internal static class TokenizerFixtures
{
    public static string Folder()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "tokenizer");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new DirectoryNotFoundException("tests/fixtures/tokenizer not found above the working directory; run from the repository.");
    }
}

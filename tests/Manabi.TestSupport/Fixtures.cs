namespace Manabi.TestSupport;

/// <summary>Locates files under <c>tests/fixtures/</c>, failing loudly when one is missing.</summary>
public static class Fixtures
{
    /// <summary>The absolute path of the repository's <c>tests/fixtures</c> folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The absolute path of a fixture, e.g. <c>Path("math", "math-golden.json")</c>.</summary>
    /// <exception cref="FileNotFoundException">The fixture is absent; the message says where it was expected.</exception>
    public static string Path(params string[] parts)
    {
        string path = System.IO.Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"Test fixture '{string.Join('/', parts)}' is missing: expected at {path}. " +
                "Fixtures are committed under tests/fixtures/ (copied unchanged from shared/fixtures/).", path);
        }
        return path;
    }

    /// <summary>The repository root (the folder holding <c>Manabi.slnx</c>).</summary>
    public static string RepositoryRoot => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Root))!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"Could not find tests/fixtures above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }
}

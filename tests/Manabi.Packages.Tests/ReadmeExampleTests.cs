using System.Text.RegularExpressions;
using Manabi.TestSupport;

namespace Manabi.Packages.Tests;

/// <summary>
/// Every ```csharp block of README.md and of the package READMEs (src/*/README.md) is a consumer example, marked
/// <c>&lt;!-- consumer: Package[, Package] --&gt;</c> on the line before it and compiled and run here unchanged against
/// those packages, in a fresh folder (an example writes the small files it reads). There are no fragments: a block
/// without the marker fails, so a new example, API tours included, cannot escape the test.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class ReadmeExampleTests(PackageFeed feed)
{
    [GeneratedRegex(@"(?:<!--\s*(?<marker>[^>]*?)\s*-->\s*\n)?```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>A README's C# block: where it is, what it is marked with, its code.</summary>
    public sealed record Example(string File, int Index, string Marker, string Code)
    {
        public override string ToString() => $"{File}#{Index} ({Marker})";
    }

    public static IEnumerable<Example> Examples()
    {
        string root = Fixtures.RepositoryRoot;
        IEnumerable<string> readmes = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        foreach (string readme in readmes)
        {
            string text = File.ReadAllText(readme).Replace("\r\n", "\n", StringComparison.Ordinal);
            int index = 0;
            foreach (Match match in CSharpBlock().Matches(text))
            {
                yield return new Example(Path.GetRelativePath(root, readme), index++, match.Groups["marker"].Value, match.Groups["code"].Value);
            }
        }
    }

    public static TheoryData<string> ConsumerExamples()
    {
        var data = new TheoryData<string>();
        foreach (Example example in Examples().Where(e => e.Marker.StartsWith("consumer:", StringComparison.Ordinal)))
        {
            data.Add(example.ToString());
        }
        return data;
    }

    [Fact]
    public void Every_csharp_block_is_marked_as_a_consumer_example()
    {
        string[] unmarked = Examples()
            .Where(e => !e.Marker.StartsWith("consumer:", StringComparison.Ordinal))
            .Select(e => e.ToString())
            .ToArray();
        Assert.True(unmarked.Length == 0,
            "C# blocks without <!-- consumer: Package --> on the line before (every example must compile and run):\n" + string.Join('\n', unmarked));
    }

    [Fact]
    public void Every_package_readme_has_a_consumer_example_for_its_own_package()
    {
        string root = Fixtures.RepositoryRoot;
        foreach (string csproj in Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            string text = File.ReadAllText(csproj);
            if (!text.Contains("<IsPackable>true</IsPackable>", StringComparison.Ordinal) || text.Contains("<PackAsTool>true</PackAsTool>", StringComparison.Ordinal))
            {
                continue;
            }
            string id = Path.GetFileNameWithoutExtension(csproj);
            string readme = Path.GetRelativePath(root, Path.Combine(Path.GetDirectoryName(csproj)!, "README.md"));
            Assert.Contains(Examples(), e => e.File == readme && e.Marker == $"consumer: {id}");
        }
    }

    [Theory]
    [MemberData(nameof(ConsumerExamples))]
    public void Consumer_example_builds_and_runs_against_the_packages(string name)
    {
        Example example = Examples().Single(e => e.ToString() == name);
        string[] packages = example.Marker["consumer:".Length..]
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // "Id@Version" names a package from nuget.org that the example needs beside Manabi's (e.g. tiktoken's rank files).
        ConsumerProject consumer = feed.NewConsumer("Example")
            .AddPackages([.. packages.Where(p => !p.Contains('@', StringComparison.Ordinal))])
            .AddExternalPackages([.. packages.Where(p => p.Contains('@', StringComparison.Ordinal))])
            .WithProgram(example.Code + "\n");
        string output = consumer.BuildAndRun();
        Assert.False(string.IsNullOrWhiteSpace(output), $"{name} printed nothing");
    }
}

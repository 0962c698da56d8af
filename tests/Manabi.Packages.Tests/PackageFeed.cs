using Manabi.TestSupport;

namespace Manabi.Packages.Tests;

/// <summary>
/// One build/pack.sh run per test run, into a temporary feed, with a version no other run uses, so that no
/// Manabi package from an earlier run (or from nuget.org) can be restored by mistake. Disposing it deletes the
/// feed and the extracted copies of that version from the NuGet global packages folder (third-party packages,
/// libtorch above all, stay there and are reused).
/// </summary>
public sealed class PackageFeed : IDisposable
{
    private readonly Lazy<string> _packOutput;

    public PackageFeed()
    {
        // Unique per run: the timestamp orders runs, the random part separates concurrent ones.
        Version = $"0.0.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(100_000, 999_999)}";
        Root = Path.Combine(Path.GetTempPath(), "manabi-packages-" + Guid.NewGuid().ToString("N"));
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        // Lazily, so a failed pack is reported by the first test that needs the feed, with pack.sh's output.
        _packOutput = new Lazy<string>(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; }

    /// <summary>The temporary folder holding the feed and the consumer projects (outside the repository).</summary>
    public string Root { get; }

    /// <summary>The local feed build/pack.sh wrote.</summary>
    public string Feed { get; }

    /// <summary>The NuGet global packages folder the consumers restore into (shared with the machine).</summary>
    public static string GlobalPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Packs (once) and returns pack.sh's package list.</summary>
    public string EnsurePacked() => _packOutput.Value;

    /// <summary>Fails with a clear message when the feed lacks a package (e.g. before the package split).</summary>
    public void RequirePackage(string id)
    {
        EnsurePacked();
        string file = Path.Combine(Feed, $"{id}.{Version}.nupkg");
        if (!File.Exists(file))
        {
            string present = string.Join(", ", Directory.GetFiles(Feed, "*.nupkg").Select(Path.GetFileName));
            Assert.Fail($"build/pack.sh made no {id} {Version} package (feed: {present}).");
        }
    }

    /// <summary>A new consumer project under <see cref="Root"/>, from a <c>dotnet new</c> template (console unless told).</summary>
    public ConsumerProject NewConsumer(string name, string template = "console")
    {
        EnsurePacked();
        return new ConsumerProject(this, Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]), name, template);
    }

    private string Pack()
    {
        string script = Path.Combine(Fixtures.RepositoryRoot, "build", "pack.sh");
        CommandResult result = CommandRunner.Run(Fixtures.RepositoryRoot, "bash",
            [script, "--version", Version, "--output", Feed], TimeSpan.FromMinutes(20));
        return result.Output;
    }

    public void Dispose()
    {
        // Only this run's version: other runs and the third-party packages are left alone.
        if (Directory.Exists(GlobalPackagesFolder))
        {
            foreach (string package in Directory.GetDirectories(GlobalPackagesFolder, "manabi*"))
            {
                TryDelete(Path.Combine(package, Version.ToLowerInvariant()));
            }
        }
        TryDelete(Root);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder must not fail the run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The collection every consumer test belongs to, so that they share one <see cref="PackageFeed"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "packages";
}

using System.Globalization;

namespace Manabi.Packages.Tests;

/// <summary>
/// A console project outside the repository that consumes the packed packages as a user would:
/// `dotnet new console`, a nuget.config with the temporary feed first, `dotnet add package`, build, run, publish.
/// </summary>
public sealed class ConsumerProject
{
    private readonly PackageFeed _feed;

    internal ConsumerProject(PackageFeed feed, string directory, string name, string template = "console")
    {
        _feed = feed;
        Directory = directory;
        Name = name;
        System.IO.Directory.CreateDirectory(directory);
        // The folder sits under the temporary root, above which nothing of the repository applies; these empty files
        // stop MSBuild's upward search anyway, in case the system's temporary folder has such files above it.
        File.WriteAllText(Path.Combine(feed.Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(feed.Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(feed.Root, "Directory.Packages.props"), "<Project />\n");
        // Manabi packages may come from the temporary feed only (package source mapping); everything else from nuget.org.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="manabi-test-feed" value="{feed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="manabi-test-feed">
                  <package pattern="Manabi.*" />
                  <package pattern="manabi" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        Dotnet("new", template, "--name", name, "--output", ".", "--framework", "net10.0");
    }

    public string Directory { get; }

    public string Name { get; }

    /// <summary>Adds package references at this run's version (restored by the next build).</summary>
    public ConsumerProject AddPackages(params string[] ids)
    {
        foreach (string id in ids)
        {
            _feed.RequirePackage(id);
            Dotnet("add", "package", id, "--version", _feed.Version, "--no-restore");
        }
        return this;
    }

    /// <summary>Adds references to packages from nuget.org, each written <c>Id@Version</c> (restored by the next build).</summary>
    public ConsumerProject AddExternalPackages(params string[] pinned)
    {
        foreach (string entry in pinned)
        {
            string[] parts = entry.Split('@');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0 || parts[0].StartsWith("Manabi", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{entry}' is not Id@Version of a package outside Manabi", nameof(pinned));
            }
            Dotnet("add", "package", parts[0], "--version", parts[1], "--no-restore");
        }
        return this;
    }

    /// <summary>Replaces Program.cs.</summary>
    public ConsumerProject WithProgram(string source)
    {
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), source);
        return this;
    }

    /// <summary>Sets MSBuild properties in the project file (e.g. PublishAot).</summary>
    public ConsumerProject WithProperties(params (string Name, string Value)[] properties)
    {
        string csproj = Path.Combine(Directory, Name + ".csproj");
        string text = File.ReadAllText(csproj);
        string added = string.Concat(properties.Select(p => $"    <{p.Name}>{p.Value}</{p.Name}>\n"));
        File.WriteAllText(csproj, text.Replace("  </PropertyGroup>", added + "  </PropertyGroup>", StringComparison.Ordinal));
        return this;
    }

    /// <summary>`dotnet build` then `dotnet run --no-build`; returns the program's output.</summary>
    public string BuildAndRun(string[]? buildOptions = null, string[]? programArguments = null)
    {
        Dotnet(["build", "-c", "Release", "-nologo", .. buildOptions ?? []]);
        CommandResult run = Dotnet(["run", "--no-build", "-c", "Release", .. buildOptions ?? [], "--", .. programArguments ?? []]);
        return run.Output;
    }

    /// <summary>`dotnet publish` into a folder of its own; returns that folder.</summary>
    public (string Folder, CommandResult Result) Publish(params string[] options)
    {
        string folder = Path.Combine(Directory, "published");
        CommandResult result = Dotnet(["publish", "-c", "Release", "-nologo", "-o", folder, .. options]);
        return (folder, result);
    }

    /// <summary>Runs a program (a published binary, the installed tool) from this folder.</summary>
    public CommandResult RunProgram(string path, params string[] arguments) =>
        CommandRunner.Run(Directory, path, arguments, TimeSpan.FromMinutes(5));

    public CommandResult Dotnet(params string[] arguments) =>
        CommandRunner.Run(Directory, "dotnet", arguments, TimeSpan.FromMinutes(15));

    /// <summary>The output's lines, trimmed, for exact assertions.</summary>
    public static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}

namespace Manabi.Packages.Tests;

/// <summary>The manabi tool from its packages: installed, then run from a folder with no repository files.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ToolPackageTests(PackageFeed feed)
{
    private readonly Lazy<string> _tool = new(() => Install(feed));

    // Installed into a tool path of its own (what `dotnet tool install -g` does, minus the user's PATH), from the
    // consumer folder whose nuget.config maps "manabi" and "manabi.linux-x64" to the temporary feed.
    private static string Install(PackageFeed feed)
    {
        feed.RequirePackage("manabi");
        feed.RequirePackage("manabi.linux-x64");
        ConsumerProject consumer = feed.NewConsumer("ToolHost");
        string toolPath = Path.Combine(feed.Root, "tools");
        consumer.Dotnet("tool", "install", "manabi", "--tool-path", toolPath, "--version", feed.Version);
        return Path.Combine(toolPath, "manabi");
    }

    private CommandResult RunTool(params string[] arguments)
    {
        string elsewhere = Path.Combine(feed.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        return CommandRunner.Run(elsewhere, _tool.Value, arguments, TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void Installed_tool_reports_its_package_version()
    {
        string output = RunTool("--version").Output.Trim();
        Assert.StartsWith(feed.Version, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Installed_tool_computes_an_entropy()
    {
        Assert.Equal("1", RunTool("info", "entropy", "--p", "0.5,0.5", "--base", "2").Output.Trim());
    }

    [Fact]
    public void Installed_tool_loads_its_libtorch()
    {
        // doctor exits non-zero when libtorch cannot be loaded; the package carries libtorch, the patched
        // libLibTorchSharp.so and the libmanabi_ios_init.so shim.
        string output = RunTool("doctor").Output;
        Assert.Contains("libtorch", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Tool_runs_without_installing_through_dotnet_tool_exec()
    {
        feed.RequirePackage("manabi.linux-x64");
        ConsumerProject consumer = feed.NewConsumer("ToolExec");
        CommandResult run = consumer.Dotnet("tool", "exec", $"manabi@{feed.Version}", "--yes", "--", "info", "entropy", "--p", "0.5,0.5", "--base", "2");
        Assert.Equal("1", ConsumerProject.Lines(run.Output).Last());
    }

    [Fact]
    public void Installed_tool_runs_the_quick_tour_from_a_folder_without_repository_files()
    {
        // Everything the tour reads (corpus, vocabulary, word vectors, the default model) is embedded in the tool's
        // assemblies or packages; the report must complete with no section failed.
        string report = Path.Combine(feed.Root, "elsewhere", "tour");
        CommandResult run = RunTool("tour", "--quick", "--out", report);
        string html = File.ReadAllText(Path.Combine(report, "report.html"));
        Assert.DoesNotContain("class=\"failed\"", html, StringComparison.Ordinal);
        Assert.Contains("Sentence embeddings (Sentence-BERT)", html, StringComparison.Ordinal);
        Assert.Contains("report.html", run.Output, StringComparison.Ordinal);
    }
}

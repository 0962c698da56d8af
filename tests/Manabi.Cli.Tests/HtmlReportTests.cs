using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Cli.Reporting;

namespace Manabi.Cli.Tests;

public sealed class HtmlReportTests
{
    [Fact]
    public void AllTextIsEscaped()
    {
        var section = new ReportSection("<b>title</b>")
            .AddHeading("a & b")
            .AddParagraph("<script>alert(1)</script>")
            .AddFacts(("key<", "value\"quoted\""))
            .AddTable(["<col>"], [["<cell>"]], "<caption>");
        string html = new HtmlReport("Report <1>").Add(section).Render();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>title", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<cell>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a &amp; b", html, StringComparison.Ordinal);
        Assert.Contains("&quot;quoted&quot;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartsAreInlinedPngs()
    {
        byte[] png = Charts.Line("line", "x", "y", [new ChartSeries("s", [0.0, 1, 2], [0.0, 1, double.PositiveInfinity])]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        string html = new HtmlReport("r").Add(new ReportSection("s").AddChart(png, "a chart")).Render();
        Assert.Contains("src=\"data:image/png;base64," + Convert.ToBase64String(png) + "\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryChartKindRenders()
    {
        Assert.NotEmpty(Charts.Scatter("s", "x", "y", [new ChartSeries("a", [1.0, 2], [3.0, 4])]));
        Assert.NotEmpty(Charts.Bar("b", "x", "y", ["one", "two"], [1.0, 2]));
        Assert.NotEmpty(Charts.Heatmap("h", new double[,] { { 1, 2 }, { 3, 4 } }));
    }

    [Fact]
    public void SaveLeavesOnlyTheFinishedFile()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "nested", "report.html");
        new HtmlReport("r").Add(new ReportSection("s").AddParagraph("hello")).Save(path);
        Assert.Contains("hello", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void AtomicFileReplacesAnExistingFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("a.txt", "old");
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "inf", "\"Infinity\"")]
    [InlineData(double.NegativeInfinity, "-inf", "\"-Infinity\"")]
    [InlineData(0.1, "0.1", "0.1")]
    [InlineData(1.0, "1", "1")]
    public void NumbersFormatForScripts(double value, string plain, string json)
    {
        Assert.Equal(plain, NumberFormat.Plain(value));
        Assert.Equal(json, NumberFormat.Json(value));
    }
}

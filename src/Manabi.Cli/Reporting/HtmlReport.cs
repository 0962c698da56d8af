using System.Text;
using Manabi.Cli.Data;

namespace Manabi.Cli.Reporting;

/// <summary>
/// A single self-contained HTML file (inline CSS, charts as base64 PNG, no external resources) made of
/// <see cref="ReportSection"/>s with a table of contents.
/// </summary>
public sealed class HtmlReport
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1b1f24;line-height:1.5}
        h1{border-bottom:2px solid #d0d7de;padding-bottom:.3em}
        h2{margin-top:2em;border-bottom:1px solid #d0d7de}
        section.failed h2{color:#b42318}
        .meta{color:#57606a;font-size:.9em;margin-top:-.5em}
        .error{background:#fff1f0;border:1px solid #f5c2c0;padding:.6em 1em;border-radius:6px;white-space:pre-wrap}
        table{border-collapse:collapse;margin:1em 0}
        caption{text-align:left;font-weight:600;padding-bottom:.3em}
        th,td{border:1px solid #d0d7de;padding:.3em .7em;text-align:left;font-variant-numeric:tabular-nums}
        th{background:#f6f8fa}
        dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}
        dl.facts dt{font-weight:600}
        dl.facts dd{margin:0;font-variant-numeric:tabular-nums}
        figure{margin:1em 0}
        figure img{max-width:100%;border:1px solid #eaeef2}
        figcaption{color:#57606a;font-size:.9em}
        nav li.failed a{color:#b42318}
        section.skipped h2,nav li.skipped a{color:#9a6700}
        .not-run{background:#fff8c5;border:1px solid #eed888;padding:.6em 1em;border-radius:6px;white-space:pre-wrap}
        """;

    private readonly List<ReportSection> _sections = [];

    /// <summary>Creates an empty report.</summary>
    public HtmlReport(string title, string? introduction = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
        Introduction = introduction;
    }

    /// <summary>The page title and top heading.</summary>
    public string Title { get; }

    /// <summary>An optional paragraph under the title.</summary>
    public string? Introduction { get; }

    /// <summary>The sections in display order.</summary>
    public IReadOnlyList<ReportSection> Sections => _sections;

    /// <summary>Adds a section.</summary>
    public HtmlReport Add(ReportSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        _sections.Add(section);
        return this;
    }

    /// <summary>Renders the whole HTML document.</summary>
    public string Render()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(Html.Escape(Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<h1>")
            .Append(Html.Escape(Title)).Append("</h1>\n");
        if (Introduction is not null)
        {
            html.Append("<p>").Append(Html.Escape(Introduction)).Append("</p>\n");
        }
        html.Append("<nav><ol>\n");
        for (int i = 0; i < _sections.Count; i++)
        {
            var (css, note) = _sections[i].Status switch
            {
                ReportSectionStatus.Failed => (" class=\"failed\"", " (failed)"),
                ReportSectionStatus.Skipped => (" class=\"skipped\"", " (not run)"),
                _ => ("", ""),
            };
            html.Append("<li").Append(css).Append("><a href=\"#").Append(Anchor(i)).Append("\">").Append(Html.Escape(_sections[i].Title))
                .Append("</a>").Append(note).Append("</li>\n");
        }
        html.Append("</ol></nav>\n");
        for (int i = 0; i < _sections.Count; i++)
        {
            _sections[i].WriteHtml(html, Anchor(i));
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes the report to <paramref name="path"/> through a temporary file and a rename.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, Render());

    private static string Anchor(int index) => $"section-{index + 1}";
}

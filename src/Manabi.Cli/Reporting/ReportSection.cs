using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>A titled part of an <see cref="HtmlReport"/>, built up from blocks with the fluent Add methods.</summary>
public sealed class ReportSection
{
    private readonly List<IReportBlock> _blocks = [];

    /// <summary>Creates an empty section.</summary>
    public ReportSection(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    /// <summary>The section title.</summary>
    public string Title { get; }

    /// <summary>A one-line result for summaries, e.g. "H(fair coin) = 1 bit".</summary>
    public string Headline { get; set; } = "";

    /// <summary>Whether the section's work succeeded.</summary>
    public ReportSectionStatus Status { get; private set; } = ReportSectionStatus.Succeeded;

    /// <summary>
    /// The error message when <see cref="Status"/> is <see cref="ReportSectionStatus.Failed"/>, or the reason (with how
    /// to fix it) when it is <see cref="ReportSectionStatus.Skipped"/>.
    /// </summary>
    public string? Error { get; private set; }

    /// <summary>Seconds the section's work took, shown beside the title when set.</summary>
    public double? Seconds { get; set; }

    /// <summary>The blocks in display order.</summary>
    public IReadOnlyList<IReportBlock> Blocks => _blocks;

    /// <summary>Adds any block.</summary>
    public ReportSection Add(IReportBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _blocks.Add(block);
        return this;
    }

    /// <summary>Adds a sub-heading.</summary>
    public ReportSection AddHeading(string text) => Add(new ReportHeading(text));

    /// <summary>Adds a paragraph.</summary>
    public ReportSection AddParagraph(string text) => Add(new ReportParagraph(text));

    /// <summary>Adds key-value facts.</summary>
    public ReportSection AddFacts(params IReadOnlyList<(string Key, string Value)> facts) =>
        Add(new ReportFacts([.. facts.Select(f => KeyValuePair.Create(f.Key, f.Value))]));

    /// <summary>Adds a table.</summary>
    public ReportSection AddTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows, string? caption = null) =>
        Add(new ReportTable(columns, [.. rows], caption));

    /// <summary>Adds a PNG chart.</summary>
    public ReportSection AddChart(byte[] png, string caption) => Add(new ReportChart(png, caption));

    /// <summary>Marks the section failed with <paramref name="error"/>; content added so far is kept.</summary>
    public ReportSection MarkFailed(string error)
    {
        Status = ReportSectionStatus.Failed;
        Error = error;
        Headline = "failed: " + error;
        return this;
    }

    /// <summary>Marks the section not run because of <paramref name="reason"/>, which should say how to get what is missing.</summary>
    public ReportSection MarkSkipped(string reason)
    {
        Status = ReportSectionStatus.Skipped;
        Error = reason;
        Headline = "not run: " + reason;
        return this;
    }

    /// <summary>Appends the section's HTML.</summary>
    public void WriteHtml(StringBuilder html, string anchor)
    {
        ArgumentNullException.ThrowIfNull(html);
        string statusClass = Status switch
        {
            ReportSectionStatus.Failed => "failed",
            ReportSectionStatus.Skipped => "skipped",
            _ => "ok",
        };
        html.Append("<section id=\"").Append(Html.Escape(anchor)).Append("\" class=\"").Append(statusClass).Append("\">\n<h2>")
            .Append(Html.Escape(Title)).Append("</h2>\n");
        if (Seconds is { } seconds)
        {
            html.Append("<p class=\"meta\">").Append(Html.Escape(seconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))
                .Append(" s</p>\n");
        }
        if (Status == ReportSectionStatus.Failed)
        {
            html.Append("<div class=\"error\"><strong>Failed:</strong> ").Append(Html.Escape(Error)).Append("</div>\n");
        }
        else if (Status == ReportSectionStatus.Skipped)
        {
            html.Append("<div class=\"not-run\"><strong>Not run:</strong> ").Append(Html.Escape(Error)).Append("</div>\n");
        }
        foreach (var block in _blocks)
        {
            block.WriteHtml(html);
        }
        html.Append("</section>\n");
    }
}

using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>One piece of a report section (heading, paragraph, facts, table, chart) that renders itself as HTML.</summary>
public interface IReportBlock
{
    /// <summary>Appends this block's HTML; all text must be escaped with <see cref="Html.Escape"/>.</summary>
    void WriteHtml(StringBuilder html);
}

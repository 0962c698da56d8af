using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>A sub-heading inside a section.</summary>
/// <param name="Text">The heading text.</param>
public sealed record ReportHeading(string Text) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<h3>").Append(Html.Escape(Text)).Append("</h3>\n");
    }
}

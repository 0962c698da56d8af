using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>A paragraph of plain text.</summary>
/// <param name="Text">The paragraph text.</param>
public sealed record ReportParagraph(string Text) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<p>").Append(Html.Escape(Text)).Append("</p>\n");
    }
}

using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>A table with a header row and text cells.</summary>
/// <param name="Columns">The column headings.</param>
/// <param name="Rows">The rows; each has as many cells as there are columns.</param>
/// <param name="Caption">An optional caption shown above the table.</param>
public sealed record ReportTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string? Caption = null) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<table>\n");
        if (Caption is not null)
        {
            html.Append("<caption>").Append(Html.Escape(Caption)).Append("</caption>\n");
        }
        html.Append("<thead><tr>");
        foreach (string column in Columns)
        {
            html.Append("<th>").Append(Html.Escape(column)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row)
            {
                html.Append("<td>").Append(Html.Escape(cell)).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }
}

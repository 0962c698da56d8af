using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>Key-value facts shown as a definition list, e.g. "effective rank: 2.97".</summary>
/// <param name="Facts">The facts, in display order.</param>
public sealed record ReportFacts(IReadOnlyList<KeyValuePair<string, string>> Facts) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<dl class=\"facts\">\n");
        foreach (var (key, value) in Facts)
        {
            html.Append("<dt>").Append(Html.Escape(key)).Append("</dt><dd>").Append(Html.Escape(value)).Append("</dd>\n");
        }
        html.Append("</dl>\n");
    }
}

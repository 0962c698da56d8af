using System.Text;

namespace Manabi.Cli.Reporting;

/// <summary>A PNG chart inlined as a base64 <c>data:</c> URI, so the report needs no other files.</summary>
/// <param name="Png">The PNG bytes (see <see cref="Charts"/>).</param>
/// <param name="Caption">What the chart shows; also its alt text.</param>
public sealed record ReportChart(byte[] Png, string Caption) : IReportBlock
{
    /// <inheritdoc />
    public void WriteHtml(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<figure><img alt=\"").Append(Html.Escape(Caption)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(Png)).Append("\"><figcaption>").Append(Html.Escape(Caption))
            .Append("</figcaption></figure>\n");
    }
}

using System.Globalization;
using System.Text;

namespace Manabi.Benchmarks.Compare;

/// <summary>One side-by-side measurement: Manabi's median time against a peer's, on the same data in the same run.</summary>
public sealed record ComparisonRow(string Task, string Peer, double ManabiSeconds, double PeerSeconds, string Agreement, string Goal)
{
    /// <summary>How many times faster Manabi is (peer time / Manabi time).</summary>
    public double Speedup => PeerSeconds / ManabiSeconds;

    public static string ToMarkdown(IReadOnlyList<ComparisonRow> rows, string machine)
    {
        var sb = new StringBuilder();
        sb.AppendLine(machine);
        sb.AppendLine();
        sb.AppendLine("| task | peer | Manabi median | peer median | Manabi speed-up | results agree | goal |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Task} | {r.Peer} | {Ms(r.ManabiSeconds)} | {Ms(r.PeerSeconds)} | **{r.Speedup:0.00}×** | {r.Agreement} | {r.Goal} |"));
        }
        return sb.ToString();
    }

    private static string Ms(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0.0} ms");
}

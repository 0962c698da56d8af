using ScottPlot;

namespace Manabi.Cli.Reporting;

/// <summary>Renders line, scatter, bar and heatmap charts to PNG bytes with ScottPlot, for <see cref="ReportChart"/>.</summary>
public static class Charts
{
    /// <summary>The default chart width in pixels.</summary>
    public const int DefaultWidth = 720;

    /// <summary>The default chart height in pixels.</summary>
    public const int DefaultHeight = 420;

    /// <summary>A line chart with one line per series; <paramref name="yLimits"/> clips unbounded curves.</summary>
    public static byte[] Line(
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<ChartSeries> series,
        (double Min, double Max)? yLimits = null,
        IReadOnlyList<ReferenceLine>? referenceLines = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = NewPlot(title, xLabel, yLabel);
        foreach (var s in series)
        {
            var (xs, ys) = Finite(s);
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Name;
            scatter.MarkerSize = 0;
            scatter.LineWidth = 2;
        }
        foreach (var reference in referenceLines ?? [])
        {
            var line = plot.Add.HorizontalLine(reference.Y);
            line.LegendText = reference.Label;
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
        }
        if (yLimits is { } limits)
        {
            plot.Axes.AutoScaleX();
            plot.Axes.SetLimitsY(limits.Min, limits.Max);
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot);
    }

    /// <summary>A scatter chart with one colour per group (e.g. per cluster).</summary>
    public static byte[] Scatter(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var plot = NewPlot(title, xLabel, yLabel);
        foreach (var group in groups)
        {
            var (xs, ys) = Finite(group);
            var points = plot.Add.ScatterPoints(xs, ys);
            points.LegendText = group.Name;
            points.MarkerSize = 6;
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot);
    }

    /// <summary>A bar chart with one labelled bar per value.</summary>
    public static byte[] Bar(string title, string xLabel, string yLabel, IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        var plot = NewPlot(title, xLabel, yLabel);
        plot.Add.Bars(values.ToArray());
        double[] positions = [.. Enumerable.Range(0, values.Count).Select(i => (double)i)];
        plot.Axes.Bottom.SetTicks(positions, [.. labels]);
        plot.Axes.Margins(bottom: 0);
        return Render(plot);
    }

    /// <summary>A heatmap of a matrix with a colour bar; cell (i, j) is drawn at x = j, y = i so the axes read as indices.</summary>
    public static byte[] Heatmap(string title, double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var plot = NewPlot(title, "column", "row");
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.FlipVertically = true;
        plot.Add.ColorBar(heatmap);
        return Render(plot, DefaultHeight + 60, DefaultHeight);
    }

    private const string SansFont = "DejaVu Sans";

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        // Fontconfig's default on Debian is a serif face; DejaVu Sans ships with fonts-dejavu-core.
        plot.Font.Set(SansFont);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static (double[] X, double[] Y) Finite(ChartSeries series)
    {
        if (series.X.Count != series.Y.Count)
        {
            throw new ArgumentException($"Series '{series.Name}' has {series.X.Count} x values but {series.Y.Count} y values.", nameof(series));
        }
        var keep = Enumerable.Range(0, series.X.Count).Where(i => double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i])).ToArray();
        return ([.. keep.Select(i => series.X[i])], [.. keep.Select(i => series.Y[i])]);
    }

    private static byte[] Render(Plot plot, int width = DefaultWidth, int height = DefaultHeight)
    {
        using (plot)
        {
            return plot.GetImageBytes(width, height, ImageFormat.Png);
        }
    }
}

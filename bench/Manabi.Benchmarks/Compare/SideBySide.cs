namespace Manabi.Benchmarks.Compare;

/// <summary>Entry point of the side-by-side comparisons: <c>compare numerics [--quick] [--out FILE.md]</c>.</summary>
public static class SideBySide
{
    public static async Task<int> RunAsync(string[] args)
    {
        string suite = args.Length > 0 ? args[0] : "numerics";
        bool quick = args.Contains("--quick");
        int outIndex = Array.IndexOf(args, "--out");
        string? outFile = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;

        IReadOnlyList<ComparisonRow> rows = suite switch
        {
            "numerics" => await NumericsComparison.RunAsync(quick),
            "vision" => await Vision.VisionComparison.RunAsync(quick),
            "siamese" => await Siamese.SiameseComparison.RunAsync(quick),
            _ => throw new ArgumentException($"unknown comparison suite '{suite}' (known: numerics, vision, siamese)", nameof(args)),
        };
        string table = ComparisonRow.ToMarkdown(rows, MachineFacts.Describe());
        Console.WriteLine(table);
        if (outFile is not null)
        {
            string tmp = outFile + ".tmp";
            await File.WriteAllTextAsync(tmp, table);
            File.Move(tmp, outFile, overwrite: true);
        }
        return 0;
    }
}

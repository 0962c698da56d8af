namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// The run folders the checkpoint cases damage copies of, trained once per test process with the smallest settings
/// (one epoch on a few tiny images) and deleted when it exits.
/// </summary>
internal static class TrainedRuns
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "manabi-fault-runs-" + Guid.NewGuid().ToString("N"));
    private static readonly Lazy<string> Vision = new(TrainVision);
    private static readonly Lazy<string> Siamese = new(TrainSiamese);

    static TrainedRuns() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder must not fail the run.
        }
    };

    /// <summary>A classifier run folder (<c>vision train</c>) whose data folder is <see cref="VisionImages"/>.</summary>
    public static string VisionRun => Vision.Value;

    /// <summary>The 8×8 two-class image folder the vision run was trained on.</summary>
    public static string VisionImages => Path.Combine(Root, "vision-images");

    /// <summary>A Siamese run folder (<c>siamese train</c>, classes 0-3 of eight; 4-7 unseen).</summary>
    public static string SiameseRun => Siamese.Value;

    /// <summary>The 16×16 eight-class image folder the Siamese run was trained on.</summary>
    public static string SiameseImages => Path.Combine(Root, "siamese-images");

    private static string TrainVision()
    {
        VisionCommandTests.WriteImageFolder(VisionImages, size: 8, perClass: 4);
        string run = Path.Combine(Root, "vision-run");
        var result = CliRunner.Run("vision", "train", "--model", "resnet18-tiny", "--data", VisionImages, "--output", run,
            "--epochs", "1", "--batch-size", "8", "--threads", "1");
        return result.ExitCode == 0 ? run : throw new InvalidOperationException($"could not train the vision run the fault cases damage: {result}");
    }

    private static string TrainSiamese()
    {
        SiameseCommandTests.WriteImageFolder(SiameseImages, perClass: 4);
        string run = Path.Combine(Root, "siamese-run");
        var result = CliRunner.Run("siamese", "train", "--data", SiameseImages, "--classes", "0-3", "--encoder", "resnet18-tiny", "--loss", "triplet",
            "--epochs", "1", "--images-per-class", "4", "--embedding-dim", "8", "--threads", "1", "--output", run);
        return result.ExitCode == 0 ? run : throw new InvalidOperationException($"could not train the Siamese run the fault cases damage: {result}");
    }
}

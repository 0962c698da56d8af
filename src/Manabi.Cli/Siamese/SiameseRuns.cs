using Manabi.Vision.Data;
using Manabi.Vision.Siamese;

namespace Manabi.Cli.Siamese;

/// <summary>
/// Maps the errors of <see cref="SiameseRun"/> and <see cref="ClassList"/> to bad input (exit 2) that names the
/// option, for the <c>siamese</c>, <c>embeddings</c> and <c>verify</c> commands.
/// </summary>
public static class SiameseRuns
{
    /// <summary>Parses a class list (see <see cref="ClassList.Parse"/>).</summary>
    /// <exception cref="InputException">Malformed, empty, reversed or out-of-range; the message names <paramref name="option"/>.</exception>
    public static int[] ParseClasses(string spec, int classCount, string option)
    {
        try
        {
            return ClassList.Parse(spec, classCount);
        }
        catch (FormatException ex)
        {
            throw new InputException($"{option}: {ex.Message}", ex);
        }
    }

    /// <summary>Opens a run folder (see <see cref="SiameseRun.Open"/>).</summary>
    /// <exception cref="InputException">Not a folder, not a Siamese run, or weights that do not fit the recorded network.</exception>
    public static SiameseRun Open(string runDirectory, string option = "--checkpoint") =>
        Guard(() => SiameseRun.Open(runDirectory), option);

    /// <summary>The run's test split, checked against its image shape.</summary>
    public static ImageDataset TestSplit(SiameseRun run) => Guard(() => run.TestSplit(), "--checkpoint");

    /// <summary>The run's training split, checked against its image shape.</summary>
    public static ImageDataset TrainSplit(SiameseRun run) => Guard(() => run.TrainSplit(), "--checkpoint");

    /// <summary>The threshold to verify against and its space (<see cref="SiameseRun.Threshold"/>): the saved one, or one measured on 2,000 test images.</summary>
    public static VerificationThreshold Threshold(SiameseRun run, bool? features) => Guard(() => run.Threshold(features: features), "--checkpoint");

    /// <summary>Runs <paramref name="action"/>, turning a bad run folder or data into bad input under <paramref name="option"/>.</summary>
    private static T Guard<T>(Func<T> action, string option)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new InputException($"{option}: {ex.Message}", ex);
        }
    }
}

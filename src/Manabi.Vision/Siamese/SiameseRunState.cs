using Manabi.Torch.Training;
using Manabi.Vision.Data;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace Manabi.Vision.Siamese;

/// <summary>One finished epoch of a Siamese run.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="Seconds">Training seconds.</param>
/// <param name="ImagesPerSecond">Training images per second (an image counts once however many views it gives).</param>
/// <param name="LearningRate">The learning rate at the end of the epoch.</param>
/// <param name="NormalizedStd">Mean per-dimension std of the L2-normalised embeddings (collapse → 0, healthy ≈ 1/√d).</param>
public sealed record SiameseEpochRecord(int Epoch, double Loss, double Seconds, double ImagesPerSecond, double LearningRate, double NormalizedStd);

/// <summary>
/// Everything a Siamese run folder's <c>state.json</c> holds: what was trained on what, with which settings,
/// and (in the shared <see cref="RunState{TEpochRecord}"/> core) how far it got. With <c>model.safetensors</c> and
/// <c>optimizer.safetensors</c> it resumes exactly. Its <see cref="RunState{TEpochRecord}.PartialEpoch"/> holds
/// loss·images, images, seconds, the sum of the batches' normalised stds, and batches.
/// </summary>
public sealed record SiameseRunState : RunState<SiameseEpochRecord>
{
    // The order state.json has always kept the sums in; the shared loop reads and writes them through it.
    internal static readonly PartialEpochLayout SumLayout = new(LossSum: 0, Examples: 1, Seconds: 2, Metrics: [3, 4]);

    /// <summary>Creates a state at the start of a run.</summary>
    public SiameseRunState()
    {
        PartialEpoch = SumLayout.Empty;
    }

    /// <summary>The state file's name.</summary>
    public const string FileName = "state.json";

    /// <summary>The kind written into every state, to tell Siamese runs from classifier runs.</summary>
    public const string RunKind = "siamese";

    /// <summary>Always <see cref="RunKind"/>.</summary>
    public string Kind { get; init; } = RunKind;

    /// <summary>The network's shape.</summary>
    public required EmbeddingNetworkConfig Network { get; init; }

    /// <summary>The data set name ("fashion-mnist" or a folder).</summary>
    public required string Data { get; init; }

    /// <summary>The class names of the data set.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The classes trained on; null when all images were used (self-supervised runs without --classes).</summary>
    public IReadOnlyList<int>? TrainClasses { get; init; }

    /// <summary>Per-channel mean of the training pixels in [0, 1].</summary>
    public required float[] Mean { get; init; }

    /// <summary>Per-channel standard deviation.</summary>
    public required float[] Std { get; init; }

    /// <summary>The settings.</summary>
    public required SiameseTrainingOptions Options { get; init; }

    /// <summary>
    /// Checks that the run in <paramref name="runDirectory"/> trains <paramref name="encoder"/> with
    /// <paramref name="objective"/>, so resuming it continues the same run.
    /// </summary>
    /// <exception cref="InvalidDataException">It records another encoder or objective; the message names the folder.</exception>
    public void EnsureResumableAs(string encoder, SiameseObjective objective, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (!Network.Encoder.Equals(encoder, StringComparison.OrdinalIgnoreCase) || Options.Objective != objective)
        {
            throw new InvalidDataException($"'{runDirectory}' holds a {Options.Objective.Name()} run of {Network.Encoder}, not {objective.Name()} with {encoder}; choose another folder.");
        }
    }

    /// <summary>Checks that the run in <paramref name="runDirectory"/> trains on <paramref name="trainClasses"/> (null: all).</summary>
    /// <exception cref="InvalidDataException">It trains on other classes; the message names the folder and both lists.</exception>
    public void EnsureTrainClasses(IReadOnlyList<int>? trainClasses, string runDirectory)
    {
        if (!(TrainClasses ?? []).SequenceEqual(trainClasses ?? []))
        {
            throw new InvalidDataException($"the run in '{runDirectory}' trains on classes {Describe(TrainClasses)}, not {Describe(trainClasses)}.");
        }
    }

    /// <summary>Checks that <paramref name="split"/> has the image shape the network was trained on.</summary>
    /// <exception cref="InvalidDataException">Another size or channel count; the message names both and the data.</exception>
    public void EnsureFits(ImageDataset split)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Height != Network.ImageSize || split.Width != Network.ImageSize || split.Channels != Network.Channels)
        {
            throw new InvalidDataException($"the run was trained on {Network.ImageSize}x{Network.ImageSize}x{Network.Channels} images but '{Data}' now has {split.Width}x{split.Height}x{split.Channels}.");
        }
    }

    /// <summary>A class list as "all" or "0,1,2".</summary>
    public static string Describe(IReadOnlyList<int>? classes) =>
        classes is null ? "all" : string.Join(",", classes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Writes <c>state.json</c> through a temporary file and a rename.</summary>
    public void Save(string runDirectory) => RunFolder.WriteState(runDirectory, FileName, this);

    /// <summary>Whether <paramref name="runDirectory"/> holds a Siamese run's state.</summary>
    public static bool Exists(string runDirectory) => File.Exists(Path.Combine(runDirectory, FileName));

    /// <summary>Reads a run folder's state.</summary>
    /// <exception cref="FileNotFoundException">No state file; the message names the folder.</exception>
    /// <exception cref="InvalidDataException">Malformed, or the state of another kind of run.</exception>
    public static SiameseRunState Load(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{runDirectory}: no {FileName} here; is it a run folder written by 'manabi siamese train'?", path);
        }
        SiameseRunState? state;
        try
        {
            // Checked as UTF-8 first: ReadAllText would turn an invalid byte into U+FFFD, and System.Text.Json does not
            // check the names it skips, so a damaged property name loaded as a run with that setting at its default.
            byte[] bytes = File.ReadAllBytes(path);
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new InvalidDataException($"{path}: not valid UTF-8; the file is damaged.");
            }
            using var document = JsonDocument.Parse(bytes);
            // Check the kinds before reading: TryGetProperty and GetString throw InvalidOperationException on
            // another JSON type, which would escape as a crash instead of a message naming the file.
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: not a valid Siamese run state (the JSON is a {document.RootElement.ValueKind}, not an object).");
            }
            if (!document.RootElement.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != RunKind)
            {
                throw new InvalidDataException($"{path}: not a Siamese run (no \"kind\": \"{RunKind}\"); 'manabi vision train' runs are classifiers.");
            }
            state = document.RootElement.Deserialize<SiameseRunState>(RunFolder.Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid Siamese run state ({ex.Message}).", ex);
        }
        if (state is null)
        {
            throw new InvalidDataException($"{path}: empty state.");
        }
        SumLayout.Check(state.PartialEpoch, path);
        return state;
    }
}

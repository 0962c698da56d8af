using Manabi.Torch.Training;
using Manabi.Vision.Data;
using System.Text.Json.Serialization;
using System.Text.Json;
using static TorchSharp.torch;

namespace Manabi.Vision.Training;

/// <summary>One finished epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss.</param>
/// <param name="TrainAccuracy">Training accuracy (on augmented images).</param>
/// <param name="TestAccuracy">Test accuracy, or null when not evaluated.</param>
/// <param name="Seconds">Wall time of the epoch's training.</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
/// <param name="LearningRate">The learning rate at the epoch's end.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double? TestAccuracy, double Seconds, double ImagesPerSecond, double LearningRate);

/// <summary>
/// The JSON state of a training run (<c>state.json</c> beside <c>model.safetensors</c> and
/// <c>optimizer.safetensors</c>): which model, its shapes and normalisation, and (in the shared
/// <see cref="RunState{TEpochRecord}"/> core) where training stands and its history. Its
/// <see cref="RunState{TEpochRecord}.PartialEpoch"/> holds loss·images, correct predictions, images and seconds.
/// </summary>
public sealed record TrainingState : RunState<EpochRecord>
{
    // The order state.json has always kept the sums in; the shared loop reads and writes them through it.
    internal static readonly PartialEpochLayout SumLayout = new(LossSum: 0, Examples: 2, Seconds: 3, Metrics: [1]);

    /// <summary>Creates a state at the start of a run.</summary>
    public TrainingState()
    {
        PartialEpoch = SumLayout.Empty;
    }

    /// <summary>The state file's name in a run folder.</summary>
    public const string FileName = "state.json";

    /// <summary>The model weights' file name in a run folder.</summary>
    public const string ModelFileName = RunFolder.ModelFileName;

    /// <summary>The optimiser state's file name in a run folder.</summary>
    public const string OptimizerFileName = RunFolder.OptimizerFileName;

    /// <summary>The model name (see <c>VisionModels</c>).</summary>
    public required string Model { get; init; }

    /// <summary>Output classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Image side.</summary>
    public required int ImageSize { get; init; }

    /// <summary>Image channels.</summary>
    public required int Channels { get; init; }

    /// <summary>
    /// A ViT's stochastic-depth rate of the last block (<see cref="Models.VisionTransformerConfig.DropPath"/>); 0 for
    /// none and for other models. Recorded so that resuming rebuilds the model that was trained.
    /// </summary>
    public double DropPath { get; init; }

    /// <summary>Class names by label.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The data set trained on ("fashion-mnist" or a folder).</summary>
    public required string Data { get; init; }

    /// <summary>Normalisation mean per channel.</summary>
    public required float[] Mean { get; init; }

    /// <summary>Normalisation standard deviation per channel.</summary>
    public required float[] Std { get; init; }

    /// <summary>The training settings.</summary>
    public required TrainingOptions Options { get; init; }

    /// <summary>The last test evaluation, if any.</summary>
    // The shared core's properties are serialised after the record's own; this keeps last_evaluation last, where state.json has always had it.
    [JsonPropertyOrder(1)]
    public EvaluationResult? LastEvaluation { get; init; }

    /// <summary>Checks that the run in <paramref name="runDirectory"/> trains <paramref name="model"/>, so resuming it continues the same run.</summary>
    /// <exception cref="InvalidDataException">It records another model; the message names the folder and both models.</exception>
    public void EnsureModel(string model, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Model.Equals(model, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"'{runDirectory}' holds a run of {Model}, not {model}; choose another folder.");
        }
    }

    /// <summary>
    /// Checks that <paramref name="data"/> has the image shape and class count the model in
    /// <paramref name="runDirectory"/> was trained on, before it is trained further or evaluated on it.
    /// </summary>
    /// <exception cref="InvalidDataException">Another image shape or class count; the message names both.</exception>
    public void EnsureFits(ImageDataset data, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Channels != Channels || data.Height != ImageSize || data.Width != ImageSize)
        {
            throw new InvalidDataException($"the images are {data.Width}x{data.Height}x{data.Channels} but {Model} in '{runDirectory}' was trained on {ImageSize}x{ImageSize}x{Channels}.");
        }
        if (data.ClassNames.Count != Classes)
        {
            throw new InvalidDataException($"{data.ClassNames.Count} classes, but the checkpoint in '{runDirectory}' has {Classes}.");
        }
    }

    /// <summary>Builds the recorded model and loads the run's weights into it; the caller disposes it.</summary>
    /// <exception cref="InvalidDataException">An unknown model name, or weights that do not fit it; the message names the folder.</exception>
    public nn.Module<Tensor, Tensor> LoadModel(string runDirectory)
    {
        if (Models.VisionModels.Find(Model) is null)
        {
            throw new InvalidDataException($"'{runDirectory}' records the unknown model '{Model}'.");
        }
        nn.Module<Tensor, Tensor> model;
        try
        {
            model = Models.VisionModels.Create(Model, Classes, ImageSize, Channels, dropPath: DropPath);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"the run in '{runDirectory}' names a model that cannot be built: {ex.Message}", ex);
        }
        try
        {
            Trainer.LoadWeights(model, runDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException)
        {
            model.Dispose();
            throw new InvalidDataException($"'{runDirectory}' does not hold weights for {Model}: {ex.Message}", ex);
        }
        return model;
    }

    /// <summary>Writes the state to <c>state.json</c> in <paramref name="runDirectory"/> through a temporary file and a rename.</summary>
    public void Save(string runDirectory) => RunFolder.WriteState(runDirectory, FileName, this);

    /// <summary>Reads the state of a run folder.</summary>
    /// <exception cref="FileNotFoundException">The folder has no state; the message names it.</exception>
    /// <exception cref="InvalidDataException">The state is malformed, or is a Siamese run's.</exception>
    public static TrainingState Load(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{runDirectory}: no {FileName} here; is it a run folder written by 'manabi vision train'?", path);
        }
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
            // A Siamese run folder has the same file names; say so instead of listing missing properties.
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("kind", out var kind)
                && kind.ValueKind == JsonValueKind.String && kind.GetString() == Siamese.SiameseRunState.RunKind)
            {
                throw new InvalidDataException($"{path}: a Siamese run ('manabi siamese train'), not a classifier run; read it with 'manabi siamese eval' or 'manabi siamese probe'.");
            }
            var state = document.RootElement.Deserialize<TrainingState>(RunFolder.Json) ?? throw new InvalidDataException($"{path}: empty state.");
            // Checked here, once for every reader (train's resume, eval, explain, predict): a batch loader would
            // otherwise refuse the normalisation later as an argument error, far from the file.
            if (state.Channels <= 0 || state.ImageSize <= 0 || state.Mean.Length != state.Channels || state.Std.Length != state.Channels
                || state.Mean.Any(m => !float.IsFinite(m)) || state.Std.Any(v => !(v > 0) || !float.IsFinite(v)))
            {
                throw new InvalidDataException(
                    $"{path}: the normalisation ({state.Mean.Length} means, {state.Std.Length} standard deviations) does not fit {state.Channels} channels of {state.ImageSize} px, or is not finite and positive.");
            }
            if (!(state.DropPath >= 0 && state.DropPath < 1))
            {
                throw new InvalidDataException($"{path}: the drop-path rate (drop_path) {state.DropPath} is not in [0, 1).");
            }
            SumLayout.Check(state.PartialEpoch, path);
            return state;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid training state ({ex.Message}).", ex);
        }
    }
}

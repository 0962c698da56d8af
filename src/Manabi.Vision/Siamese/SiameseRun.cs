using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Vision.Data;
using System.Text.Json;
using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>
/// A Siamese run folder (written by <see cref="SiameseTrainer"/>) opened for use: its state, its network with the
/// trained weights in evaluation mode, its data splits and its verification threshold.
/// </summary>
public sealed class SiameseRun : IDisposable
{
    /// <summary>The file the verification threshold is saved to in a run folder.</summary>
    public const string ThresholdFileName = "verification.json";

    private static readonly JsonSerializerOptions ThresholdJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private SiameseRun(string directory, SiameseRunState state, EmbeddingNetwork network)
    {
        Directory = directory;
        State = state;
        Network = network;
    }

    /// <summary>The run folder, as a full path.</summary>
    public string Directory { get; }

    /// <summary>The run's state: network shape, data, classes, normalisation, settings, history.</summary>
    public SiameseRunState State { get; }

    /// <summary>The network with the trained weights, in evaluation mode; disposed with the run.</summary>
    public EmbeddingNetwork Network { get; }

    /// <summary>The network's shape (<see cref="SiameseRunState.Network"/>).</summary>
    public EmbeddingNetworkConfig Config => State.Network;

    /// <summary>Opens a run folder: reads its state, builds the recorded network and loads the weights.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> is not a folder.</exception>
    /// <exception cref="FileNotFoundException">No <c>state.json</c>; the message names the folder.</exception>
    /// <exception cref="InvalidDataException">
    /// Not a Siamese run (a classifier run, or malformed), a network that cannot be built, or weights that do not fit
    /// it; the message names the folder or file.
    /// </exception>
    public static SiameseRun Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(folder);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"'{folder}' is not a folder.");
        }
        var state = SiameseRunState.Load(full);
        TorchRuntime.EnsureLoaded();
        EmbeddingNetwork network;
        try
        {
            network = new EmbeddingNetwork(state.Network);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"the run in '{folder}' names a network that cannot be built: {ex.Message}", ex);
        }
        try
        {
            SiameseTrainer.LoadWeights(network, full);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException)
        {
            network.Dispose();
            throw new InvalidDataException($"'{folder}' does not hold weights for its {state.Network.Encoder} network ({state.Options.Objective.Name()} head): {ex.Message}", ex);
        }
        network.eval();
        return new SiameseRun(full, state, network);
    }

    /// <summary>The test split of the data the run was trained on, checked against the network's image shape.</summary>
    /// <exception cref="InvalidDataException">The data now has images of another shape (or see <see cref="ImageDataSource.Load"/>).</exception>
    public ImageDataset TestSplit() => Split(train: false);

    /// <summary>The training split of the data the run was trained on, checked against the network's image shape.</summary>
    /// <exception cref="InvalidDataException">The data now has images of another shape (or see <see cref="ImageDataSource.Load"/>).</exception>
    public ImageDataset TrainSplit() => Split(train: true);

    private ImageDataset Split(bool train)
    {
        var (trainSet, testSet) = ImageDataSource.Load(State.Data);
        var split = train ? trainSet : testSet;
        State.EnsureFits(split);
        return split;
    }

    /// <summary>The saved verification threshold, or null when none has been saved.</summary>
    /// <exception cref="InvalidDataException">The threshold file is malformed; the message names it.</exception>
    public VerificationThreshold? ReadThreshold()
    {
        string path = Path.Combine(Directory, ThresholdFileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var saved = JsonSerializer.Deserialize<VerificationThreshold>(File.ReadAllText(path), ThresholdJson);
            return saved is not null && double.IsFinite(saved.Threshold) ? saved with { SourceFile = path } : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid threshold file ({ex.Message}); delete it or rerun 'manabi siamese eval'.", ex);
        }
    }

    /// <summary>Saves <paramref name="threshold"/> in the run folder (through a temporary file and a rename) for later verification.</summary>
    public void SaveThreshold(VerificationThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        RunFolder.WriteState(Directory, ThresholdFileName, threshold);
    }

    /// <summary>
    /// The threshold to verify pairs against, whose <see cref="VerificationThreshold.Features"/> says the space to compare
    /// them in (<see cref="Embed"/>): the saved one when <paramref name="features"/> is null (its own space, so a threshold
    /// saved by <c>siamese eval --features</c> implies the features) or names the space it was measured in; else one
    /// measured on up to <paramref name="maxImages"/> test images (chosen with <paramref name="seed"/>) of the classes the
    /// run did not train on (all classes when it trained on all), in the space asked for (the head's when none is).
    /// </summary>
    public VerificationThreshold Threshold(int maxImages = 2000, int seed = 0, bool? features = null) =>
        ReadThreshold() is { } saved && (features is null || saved.Features == features)
            ? saved
            : MeasureThreshold(maxImages, seed, features ?? false);

    /// <summary>
    /// The embeddings verification and one-shot evaluation compare: the network's output, or with
    /// <paramref name="features"/> its L2-normalised features (the readout, the head discarded).
    /// </summary>
    public Tensor Embed(ImageDataset images, bool features = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var embeddings = ImageEmbedder.Embed(Network, images, State.Mean, State.Std, features);
        return (features ? nn.functional.normalize(embeddings, p: 2, dim: 1) : embeddings).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Measures the equal-error-rate threshold on every pair of up to <paramref name="maxImages"/> test images of the
    /// classes the run did not train on (all classes when it trained on all), on the head's embeddings or with
    /// <paramref name="features"/> on the normalised features; saves nothing.
    /// </summary>
    public VerificationThreshold MeasureThreshold(int maxImages = 2000, int seed = 0, bool features = false)
    {
        var test = TestSplit();
        int[] classes = State.TrainClasses is { } trained && trained.Count < test.ClassNames.Count
            ? [.. Enumerable.Range(0, test.ClassNames.Count).Except(trained)]
            : [.. Enumerable.Range(0, test.ClassNames.Count)];
        var images = ImageEmbedder.FilterClasses(test, classes).Subset(maxImages, seed);
        using var scope = NewDisposeScope();
        var embeddings = Embed(images, features);
        var (result, threshold) = EmbeddingVerification.Evaluate(embeddings, images.Labels, maxImages, seed);
        return new VerificationThreshold(threshold, result.Eer, classes, images.Count, features);
    }

    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}

using Manabi.Cli.Vision;
using Manabi.Numerics.Metrics;
using Manabi.Torch.Data;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using Manabi.Vision.Data;
using Manabi.Vision.Siamese;
using System.Globalization;
using static TorchSharp.torch;

namespace Manabi.Cli.Siamese;

/// <summary>A Siamese run folder opened for evaluation: its state and its network with the trained weights.</summary>
/// <param name="Directory">The run folder.</param>
/// <param name="State">The run's state.</param>
/// <param name="Network">The network, in evaluation mode; the caller disposes it.</param>
public sealed record OpenedRun(string Directory, SiameseRunState State, EmbeddingNetwork Network) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}

/// <summary>The equal-error-rate operating point saved by <c>siamese eval</c> for <c>manabi verify</c>.</summary>
/// <param name="Threshold">Pairs closer than this distance are "same".</param>
/// <param name="Eer">The equal error rate at that threshold.</param>
/// <param name="Classes">The classes it was measured on.</param>
public sealed record VerificationThreshold(double Threshold, double Eer, IReadOnlyList<int> Classes);

/// <summary>What the <c>siamese</c>, <c>embeddings</c> and <c>verify</c> commands share: class lists, run folders, evaluation.</summary>
public static class SiameseRuns
{
    /// <summary>The file <c>siamese eval</c> writes the EER threshold to.</summary>
    public const string ThresholdFileName = "verification.json";

    /// <summary>
    /// Parses a class list such as "0-5", "6-9", "0,2,4" or "0-2,7" against <paramref name="classCount"/> classes.
    /// </summary>
    /// <exception cref="InputException">Malformed, empty, reversed or out-of-range; the message names <paramref name="option"/>.</exception>
    public static int[] ParseClasses(string spec, int classCount, string option)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var classes = new SortedSet<int>();
        foreach (string part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (part.Length == 0 || ends.Length > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new InputException($"{option}: '{spec}' is not a class list such as 0-5, 6-9 or 0,2,4.");
            }
            int first = int.Parse(ends[0], CultureInfo.InvariantCulture), last = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new InputException($"{option}: the range '{part}' runs backwards.");
            }
            if (last >= classCount)
            {
                throw new InputException($"{option}: class {last} does not exist; the data has classes 0-{classCount - 1}.");
            }
            for (int c = first; c <= last; c++)
            {
                classes.Add(c);
            }
        }
        return [.. classes];
    }

    /// <summary>Opens a run folder: its state, and a network with the saved weights.</summary>
    /// <exception cref="InputException">Not a folder, not a Siamese run, or weights that do not fit the recorded network.</exception>
    public static OpenedRun Open(string runDirectory, string option = "--checkpoint")
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        string full = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(full))
        {
            throw new InputException($"{option}: '{runDirectory}' is not a folder.");
        }
        SiameseRunState state;
        try
        {
            state = SiameseRunState.Load(full);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new InputException($"{option}: {ex.Message}", ex);
        }
        TorchRuntime.EnsureLoaded();
        EmbeddingNetwork network;
        try
        {
            network = new EmbeddingNetwork(state.Network);
        }
        catch (ArgumentException ex)
        {
            throw new InputException($"{option}: the run in '{runDirectory}' names a network that cannot be built: {ex.Message}", ex);
        }
        try
        {
            SiameseTrainer.LoadWeights(network, full);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException)
        {
            network.Dispose();
            throw new InputException($"{option}: '{runDirectory}' does not hold weights for its {state.Network.Encoder} network ({state.Options.Objective.Name()} head): {ex.Message}", ex);
        }
        network.eval();
        return new OpenedRun(full, state, network);
    }

    /// <summary>The run's test split (from the data it was trained on), checked against its image shape.</summary>
    public static ImageDataset TestSplit(SiameseRunState state) => Split(state, train: false);

    /// <summary>The run's training split.</summary>
    public static ImageDataset TrainSplit(SiameseRunState state) => Split(state, train: true);

    private static ImageDataset Split(SiameseRunState state, bool train)
    {
        var (trainSet, testSet) = VisionData.Load(state.Data);
        var split = train ? trainSet : testSet;
        if (split.Height != state.Network.ImageSize || split.Width != state.Network.ImageSize || split.Channels != state.Network.Channels)
        {
            throw new InputException($"--checkpoint: the run was trained on {state.Network.ImageSize}x{state.Network.ImageSize}x{state.Network.Channels} images but '{state.Data}' now has {split.Width}x{split.Height}x{split.Channels}.");
        }
        return split;
    }

    /// <summary>
    /// Verification over every pair of up to <paramref name="maxImages"/> seeded images: scores are negative
    /// distances between the network's embeddings, so the EER threshold comes back as a distance.
    /// </summary>
    public static (VerificationResult Result, double ThresholdDistance) Verify(Tensor embeddings, IReadOnlyList<int> labels, int maxImages, int seed)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        int n = labels.Count;
        int[] chosen = Enumerable.Range(0, n).ToArray();
        if (n > maxImages)
        {
            new Random(seed).Shuffle(chosen);
            chosen = chosen[..maxImages];
        }
        var index = tensor(chosen.Select(i => (long)i).ToArray());
        var e = embeddings.index_select(0, index).to_type(ScalarType.Float64);
        var y = tensor(chosen.Select(i => (long)labels[i]).ToArray());
        var distances = PairwiseDistances.Matrix(e, e, EmbeddingDistance.Euclidean);
        var upper = ones(chosen.Length, chosen.Length, dtype: ScalarType.Bool).triu(1);
        double[] scores = (-distances.masked_select(upper)).data<double>().ToArray();
        bool[] same = y.unsqueeze(1).eq(y.unsqueeze(0)).masked_select(upper).data<bool>().ToArray();
        var result = Verification.Evaluate(scores, same);
        return (result, -result.EerThreshold);
    }
}

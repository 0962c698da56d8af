using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>One class of a prediction.</summary>
/// <param name="Class">The class index.</param>
/// <param name="Name">The class name, or null when the weights came without names.</param>
/// <param name="Probability">The softmax probability.</param>
public sealed record ClassScore(int Class, string? Name, double Probability);

/// <summary>The most probable classes of one image, most probable first.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Top">The classes.</param>
public sealed record ImagePrediction(string Path, IReadOnlyList<ClassScore> Top);

/// <summary>
/// A vision classifier ready for image files: the model, its <see cref="VisionPreprocessing"/> and its class names.
/// Reads PNG and JPEG files, preprocesses them per the model's config and returns the softmax top-k.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> model;

    /// <summary>Wraps <paramref name="model"/>, which the classifier then owns and disposes.</summary>
    /// <param name="model">The network; put in evaluation mode.</param>
    /// <param name="modelName">The model's name, for people.</param>
    /// <param name="preprocessing">How image files become its input.</param>
    /// <param name="classNames">Names by class index, or null to report indices only.</param>
    public ImageClassifier(nn.Module<Tensor, Tensor> model, string modelName, VisionPreprocessing preprocessing, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(preprocessing);
        preprocessing.Validate();
        this.model = model;
        model.eval();
        ModelName = modelName;
        Preprocessing = preprocessing;
        ClassNames = classNames;
    }

    /// <summary>The model's name.</summary>
    public string ModelName { get; }

    /// <summary>How image files become the model's input.</summary>
    public VisionPreprocessing Preprocessing { get; }

    /// <summary>Names by class index, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The network.</summary>
    public nn.Module<Tensor, Tensor> Model => model;

    /// <summary>
    /// A run folder written by training (<see cref="TrainingState"/>): its model and weights, class names, and the
    /// normalisation it was trained with, at its image size. The trainer saw whole images at that size, so the crop
    /// keeps the whole resized image (crop_pct 1).
    /// </summary>
    /// <exception cref="FileNotFoundException">No state or weights in the folder.</exception>
    /// <exception cref="InvalidDataException">A malformed state (a normalisation that does not fit its channels included), or weights that do not fit its model; the message names the file.</exception>
    public static ImageClassifier FromCheckpoint(string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        var state = TrainingState.Load(runDirectory);
        TorchRuntime.EnsureLoaded();
        var network = state.LoadModel(runDirectory);
        // TrainingState.Load has checked the normalisation against the channels, so this preprocessing is valid.
        var info = VisionModels.Get(state.Model);
        var preprocessing = info.Preprocessing.WithInput(state.Channels, state.ImageSize, state.ImageSize) with
        {
            Mean = state.Mean,
            Std = state.Std,
            CropPercent = 1.0,
        };
        return new ImageClassifier(network, info.Name, preprocessing, state.ClassNames);
    }

    /// <summary>
    /// A named model (see <see cref="VisionModels"/>) with weights from a timm-layout safetensors file. Classes,
    /// channels and (for a ViT) the image size come from the weights; the preprocessing is the model's
    /// (<see cref="VisionModelInfo.Preprocessing"/>) at that shape. Without <paramref name="classNames"/>, the 28×28
    /// models with 10 classes are named as Fashion-MNIST, the only data they are trained on here; others report indices.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown model name.</exception>
    /// <exception cref="FileNotFoundException">The weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a safetensors file, no classifier in it, or weights that do not fit the model; the message names the file.</exception>
    public static ImageClassifier FromWeights(string modelName, string weightsPath, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(weightsPath);
        var info = VisionModels.Get(modelName);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException(
                Directory.Exists(weightsPath) ? $"'{weightsPath}' is a folder, not a safetensors file." : $"'{weightsPath}' does not exist.", weightsPath);
        }
        TorchRuntime.EnsureLoaded();
        var weights = SafeTensors.Read(weightsPath);
        try
        {
            bool vit = info.Family == VisionModelFamily.VisionTransformer;
            var vitConfig = VisionModels.TransformerConfig(info.Name);
            // The first convolution reads the image channels: a convolutional stem's first layer, not its 1×1 projection.
            string headKey = vit ? "head.weight" : "fc.weight",
                stemKey = vitConfig is { ConvStem: true } ? "patch_embed.stem.0.weight" : vit ? "patch_embed.proj.weight" : "conv1.weight";
            if (!weights.TryGetValue(headKey, out var head) || head.dim() != 2)
            {
                throw new InvalidDataException($"'{weightsPath}' has no classifier ({headKey}); {info.Name} cannot classify without one.");
            }
            if (!weights.TryGetValue(stemKey, out var stem) || stem.dim() != 4)
            {
                throw new InvalidDataException($"'{weightsPath}' has no {stemKey}: not {info.Name} weights.");
            }
            int classes = (int)head.shape[0], channels = (int)stem.shape[1];
            int imageSize = info.ImageSize;
            if (vit && weights.TryGetValue("pos_embed", out var position) && position.dim() == 3)
            {
                // The weights' own grid (1 + grid² positions) fixes the input size they were trained at.
                long grid = (long)Math.Round(Math.Sqrt(position.shape[1] - 1));
                if (grid * grid == position.shape[1] - 1)
                {
                    imageSize = (int)(grid * vitConfig!.PatchSize);
                }
            }
            if (classNames is not null && classNames.Count != classes)
            {
                throw new ArgumentException($"{classNames.Count} class names for weights with {classes} classes.", nameof(classNames));
            }
            var network = VisionModels.Create(info.Name, classes, imageSize, channels);
            try
            {
                if (network is VisionTransformer transformer)
                {
                    transformer.LoadTimmStateDict(weights);
                }
                else
                {
                    StateDicts.LoadStrict(network, weights);
                }
            }
            catch (ArgumentException ex)
            {
                network.Dispose();
                throw new InvalidDataException($"'{weightsPath}' does not hold {info.Name} weights: {ex.Message}", ex);
            }
            var names = classNames ?? (info.ImageSize == 28 && classes == FashionMnist.ClassNames.Count ? FashionMnist.ClassNames : null);
            return new ImageClassifier(network, info.Name, info.Preprocessing.WithInput(channels, imageSize, imageSize), names);
        }
        finally
        {
            foreach (var tensor in weights.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// The <paramref name="top"/> most probable classes of each image file (fewer when the model has fewer classes).
    /// Every file is read before any is classified, so a bad file fails the call before the work.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file does not exist; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable PNG or JPEG, or is truncated; the message names it.</exception>
    public IReadOnlyList<ImagePrediction> Predict(IReadOnlyList<string> paths, int top = 5, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var scope = NewDisposeScope();
        var images = paths.Select(Preprocessing.PreprocessFile).ToList();
        var predictions = new List<ImagePrediction>(paths.Count);
        using var noGrad = no_grad();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            using var batchScope = NewDisposeScope();
            var batch = stack(images.Skip(start).Take(batchSize).ToArray());
            var probabilities = nn.functional.softmax(model.call(batch).to_type(ScalarType.Float32), 1);
            int k = (int)Math.Min(top, probabilities.shape[1]);
            var (values, indices) = probabilities.topk(k, dim: 1);
            float[] p = values.contiguous().data<float>().ToArray();
            long[] c = indices.contiguous().data<long>().ToArray();
            for (int i = 0; i < values.shape[0]; i++)
            {
                var scores = new ClassScore[k];
                for (int j = 0; j < k; j++)
                {
                    int index = (int)c[i * k + j];
                    scores[j] = new ClassScore(index, ClassNames is { } names && index < names.Count ? names[index] : null, p[i * k + j]);
                }
                predictions.Add(new ImagePrediction(paths[start + i], scores));
            }
        }
        return predictions;
    }

    /// <inheritdoc/>
    public void Dispose() => model.Dispose();
}

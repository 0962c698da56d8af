using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>One feature map a model can hand out (timm's <c>feature_info</c> entry).</summary>
/// <param name="Channels">Channels of the map (timm <c>num_chs</c>), or the token width of a ViT block.</param>
/// <param name="Reduction">How many input pixels one output position spans per side (timm <c>reduction</c>).</param>
/// <param name="Module">The module whose output it is, by its state_dict name (e.g. <c>act1</c>, <c>layer2</c>, <c>blocks.3</c>).</param>
public sealed record FeatureInfo(long Channels, int Reduction, string Module);

/// <summary>
/// timm's model contract, shared by every model of <see cref="VisionModels"/>: <c>forward(x)</c> is
/// <see cref="ForwardHead"/>(<see cref="ForwardFeatures"/>(x)); the features are unpooled, the head pools and classifies.
/// </summary>
public interface IVisionModel
{
    /// <summary>Current output classes; 0 when the head is the identity (see <see cref="ResetClassifier"/>).</summary>
    int NumClasses { get; }

    /// <summary>The width of the pooled features that enter the classifier (timm <c>num_features</c>).</summary>
    long NumFeatures { get; }

    /// <summary>The feature maps <see cref="ForwardIntermediates"/> can return, by index (timm <c>feature_info</c>).</summary>
    IReadOnlyList<FeatureInfo> FeatureInfo { get; }

    /// <summary>
    /// Unpooled features: (batch, channels, height, width) after a CNN's last stage, or (batch, tokens, dim) after a
    /// ViT's final norm, class token first.
    /// </summary>
    Tensor ForwardFeatures(Tensor input);

    /// <summary>
    /// Pools <see cref="ForwardFeatures"/>' output (global average for a CNN; class token or patch mean, then
    /// <c>fc_norm</c>, for a ViT) and classifies it; with <paramref name="preLogits"/> returns the pooled
    /// (batch, <see cref="NumFeatures"/>) features instead.
    /// </summary>
    Tensor ForwardHead(Tensor features, bool preLogits = false);

    /// <summary>
    /// The outputs of the feature maps <paramref name="indices"/> picks from <see cref="FeatureInfo"/> (null: all;
    /// negative indices count from the end, so timm's "last n" is [-n, …, -1]), in network order.
    /// </summary>
    /// <param name="input">Images (batch, channels, height, width).</param>
    /// <param name="indices">Which feature maps; null for all.</param>
    /// <param name="norm">Apply the final norm to each (ViT; CNNs have none).</param>
    /// <param name="stopEarly">Skip the layers after the last one asked for.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    IReadOnlyList<Tensor> ForwardIntermediates(Tensor input, IReadOnlyList<int>? indices = null, bool norm = false, bool stopEarly = false);

    /// <summary>
    /// Replaces the classifier with a freshly initialised one for <paramref name="numClasses"/> classes (timm
    /// <c>reset_classifier</c>); 0 makes the head the identity, so <c>forward</c> returns the pooled features.
    /// State_dict names stay timm's.
    /// </summary>
    void ResetClassifier(int numClasses);
}

/// <summary>Helpers shared by the models' implementations of <see cref="IVisionModel"/>.</summary>
internal static class FeatureIndices
{
    /// <summary>
    /// timm's <c>feature_take_indices</c> for a list: absolute indices (negative ones count from the end) and the largest.
    /// </summary>
    public static (HashSet<int> Take, int Max) Resolve(int count, IReadOnlyList<int>? indices)
    {
        if (indices is null)
        {
            return (Enumerable.Range(0, count).ToHashSet(), count - 1);
        }
        if (indices.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(indices), "Ask for at least one feature map (or pass null for all).");
        }
        var take = new HashSet<int>();
        foreach (int i in indices)
        {
            int index = i < 0 ? count + i : i;
            if (index < 0 || index >= count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Feature index {i} is out of range (0 to {count - 1}, or -{count} to -1).");
            }
            take.Add(index);
        }
        return (take, take.Max());
    }
}

/// <summary>The classifier heads shared by the models' implementations of <see cref="IVisionModel"/>.</summary>
internal static class ClassifierHeads
{
    /// <summary>
    /// timm's <c>reset_classifier</c> layer: a new Linear layer for <paramref name="numClasses"/> classes (PyTorch's default
    /// initialisation) on <paramref name="like"/>'s device and dtype, or the identity for 0, in <paramref name="training"/> mode.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(long features, int numClasses, Tensor like, bool training)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        nn.Module<Tensor, Tensor> head = numClasses > 0
            ? nn.Linear(features, numClasses, device: like.device, dtype: like.dtype)
            : nn.Identity();
        head.train(training);
        return head;
    }

    /// <summary>A CNN's <c>forward_head</c>: global average pooling of (batch, channels, height, width) maps, then <paramref name="classifier"/> unless <paramref name="preLogits"/>.</summary>
    public static Tensor PoolAndClassify(Tensor features, nn.Module<Tensor, Tensor> classifier, bool preLogits, string owner)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 4)
        {
            throw new ArgumentException($"{owner}'s head takes feature maps (batch, channels, height, width) but got ({string.Join(", ", features.shape)}).", nameof(features));
        }
        using var scope = NewDisposeScope();
        var pooled = features.mean([2, 3]);
        return (preLogits ? pooled : classifier.call(pooled)).MoveToOuterDisposeScope();
    }
}

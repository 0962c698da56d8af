using Manabi.Torch.Data;
using Manabi.Vision.Data;
using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>Embeds a whole image data set with a trained <see cref="EmbeddingNetwork"/>, batch by batch, without gradients.</summary>
public static class ImageEmbedder
{
    /// <summary>
    /// The (count, d) embeddings of <paramref name="images"/> normalised with <paramref name="mean"/> and
    /// <paramref name="std"/>: the network's output, or the encoder's pooled features when <paramref name="features"/>.
    /// </summary>
    public static Tensor Embed(EmbeddingNetwork network, ImageDataset images, float[] mean, float[] std, bool features = false, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool training = network.training;
        network.eval();
        try
        {
            var loader = new BatchLoader(images, batchSize, new Augmentation(mean, std), shuffle: false, seed: 0);
            var parts = new List<Tensor>(loader.BatchesPerEpoch);
            foreach (var batch in loader.Epoch(0))
            {
                using var owned = batch;
                parts.Add(features ? network.Features(batch.Images) : network.call(batch.Images));
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            network.train(training);
        }
    }

    /// <summary>The images of <paramref name="dataset"/> whose label is in <paramref name="classes"/>, labels unchanged.</summary>
    public static ImageDataset FilterClasses(ImageDataset dataset, IReadOnlyCollection<int> classes)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(classes);
        return dataset.Select(Enumerable.Range(0, dataset.Count).Where(i => classes.Contains(dataset.Labels[i])).ToArray());
    }
}

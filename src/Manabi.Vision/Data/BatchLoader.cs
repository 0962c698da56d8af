using Manabi.Torch.Data;
using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Data;

/// <summary>How training images are augmented and normalised.</summary>
/// <param name="Mean">Per-channel mean subtracted after scaling pixels to [0, 1].</param>
/// <param name="Std">Per-channel standard deviation divided by.</param>
/// <param name="CropPadding">Zero-pad by this many pixels and crop back at a random offset; 0 for none.</param>
/// <param name="HorizontalFlip">Mirror half of the images at random.</param>
/// <param name="ErasingProbability">
/// Random erasing (Zhong et al. 2020) as timm's <c>RandomErasing</c> in mode 'pixel': with this probability a box of
/// 2 % to a third of the normalised image (aspect ratio log-uniform in [0.3, 1/0.3]) becomes normal noise; 0 for none.
/// </param>
/// <param name="TrivialAugment">
/// TrivialAugment (Müller and Hutter 2021) as torchvision's <c>TrivialAugmentWide</c>: one operation of the wide set
/// with a random magnitude per image, on the 8-bit image after cropping and flipping.
/// </param>
public sealed record Augmentation(float[] Mean, float[] Std, int CropPadding = 0, bool HorizontalFlip = false,
    double ErasingProbability = 0, bool TrivialAugment = false)
{
    /// <summary>The same normalisation without random transforms (for evaluation).</summary>
    public Augmentation WithoutRandomness() => this with { CropPadding = 0, HorizontalFlip = false, ErasingProbability = 0, TrivialAugment = false };
}

/// <summary>One batch: images (batch, channels, height, width) as float32 and labels as int64.</summary>
/// <param name="Images">The normalised images.</param>
/// <param name="Labels">The labels.</param>
/// <param name="Index">The batch's position in its epoch.</param>
public sealed record Batch(Tensor Images, Tensor Labels, int Index) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Yields shuffled, augmented batches of an <see cref="ImageDataset"/>. The order and every random transform
/// are functions of (seed, epoch, batch index), so an epoch can be resumed at any batch exactly. The next
/// batches are prepared on a background thread while the current one trains.
/// </summary>
public sealed class BatchLoader
{
    private readonly ImageDataset dataset;
    private readonly Augmentation augmentation;
    private readonly int batchSize;
    private readonly int seed;
    private readonly bool shuffle;

    /// <summary>Creates the loader.</summary>
    public BatchLoader(ImageDataset dataset, int batchSize, Augmentation augmentation, bool shuffle, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!(augmentation.ErasingProbability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(augmentation), augmentation.ErasingProbability, "The erasing probability must lie in [0, 1].");
        }
        if (augmentation.Mean.Length != dataset.Channels || augmentation.Std.Length != dataset.Channels)
        {
            throw new ArgumentException($"The normalisation has {augmentation.Mean.Length} channels, the images {dataset.Channels}.", nameof(augmentation));
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.augmentation = augmentation;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /// <summary>Batches per epoch (the last may be smaller).</summary>
    public int BatchesPerEpoch => (dataset.Count + batchSize - 1) / batchSize;

    /// <summary>The batches of <paramref name="epoch"/> from <paramref name="firstBatch"/> on.</summary>
    public IEnumerable<Batch> Epoch(int epoch, int firstBatch = 0, CancellationToken cancellationToken = default)
    {
        int[] order = Enumerable.Range(0, dataset.Count).ToArray();
        if (shuffle)
        {
            new Random(Seeds.Mix(seed, epoch, -1)).Shuffle(order);
        }
        using var queue = new BlockingCollection<(float[] Pixels, long[] Labels, int Index)>(boundedCapacity: 3);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() =>
        {
            try
            {
                for (int b = firstBatch; b < BatchesPerEpoch && !stop.IsCancellationRequested; b++)
                {
                    queue.Add(Prepare(order, epoch, b), stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, CancellationToken.None);
        try
        {
            foreach (var (pixels, labels, index) in queue.GetConsumingEnumerable(CancellationToken.None))
            {
                var images = tensor(pixels, [labels.Length, dataset.Channels, dataset.Height, dataset.Width]);
                yield return new Batch(images, tensor(labels), index);
            }
        }
        finally
        {
            stop.Cancel();
            while (queue.TryTake(out _))
            {
            }
            producer.Wait(CancellationToken.None);
        }
    }

    private (float[] Pixels, long[] Labels, int Index) Prepare(int[] order, int epoch, int batch)
    {
        int start = batch * batchSize;
        int count = Math.Min(batchSize, dataset.Count - start);
        int c = dataset.Channels, h = dataset.Height, w = dataset.Width, plane = h * w;
        var pixels = new float[(long)count * c * plane];
        var labels = new long[count];
        var random = new Random(Seeds.Mix(seed, epoch, batch));
        int pad = augmentation.CropPadding;
        var scale = new float[c];
        var shift = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            scale[ch] = 1f / (255f * augmentation.Std[ch]);
            shift[ch] = -augmentation.Mean[ch] / augmentation.Std[ch];
        }
        // TrivialAugment and erasing draw from their own stream so that turning them on leaves crops and flips as they were.
        bool extra = augmentation.TrivialAugment || augmentation.ErasingProbability > 0;
        var extraRandom = extra ? new Random(Seeds.Mix(seed, epoch, batch) + 3) : null;
        // Crop, flip and TrivialAugment work on the 8-bit image; normalisation follows, as torchvision's ToTensor
        // and Normalize follow the PIL transforms.
        var image = new byte[dataset.ImageBytes];
        for (int i = 0; i < count; i++)
        {
            int source = order[start + i];
            labels[i] = dataset.Labels[source];
            int dy = pad > 0 ? random.Next(-pad, pad + 1) : 0;
            int dx = pad > 0 ? random.Next(-pad, pad + 1) : 0;
            bool flip = augmentation.HorizontalFlip && random.Next(2) == 1;
            ReadOnlySpan<byte> src = dataset.Pixels.AsSpan(source * dataset.ImageBytes, dataset.ImageBytes);
            // Evaluation batches and unshifted, unmirrored images are normalised straight from the data set.
            if (dy != 0 || dx != 0 || flip || augmentation.TrivialAugment)
            {
                CropAndFlip(src, image, c, h, w, dy, dx, flip);
                if (augmentation.TrivialAugment)
                {
                    TrivialAugment.ApplyRandom(extraRandom!, image, c, h, w);
                }
                src = image;
            }
            var dst = pixels.AsSpan(i * c * plane, c * plane);
            for (int ch = 0; ch < c; ch++)
            {
                float channelScale = scale[ch], channelShift = shift[ch];
                for (int p = ch * plane, end = p + plane; p < end; p++)
                {
                    dst[p] = src[p] * channelScale + channelShift;
                }
            }
            if (augmentation.ErasingProbability > 0)
            {
                // After normalisation, as timm's RandomErasing follows Normalize.
                RandomErasing.ErasePixels(extraRandom!, dst, c, h, w, augmentation.ErasingProbability);
            }
        }
        return (pixels, labels, batch);
    }

    /// <summary>Shifts the image by (dy, dx), filling with black, and mirrors it when <paramref name="flip"/> is set.</summary>
    private static void CropAndFlip(ReadOnlySpan<byte> source, byte[] target, int channels, int height, int width, int dy, int dx, bool flip)
    {
        int plane = height * width;
        for (int ch = 0; ch < channels; ch++)
        {
            for (int y = 0; y < height; y++)
            {
                int sy = y + dy;
                for (int x = 0; x < width; x++)
                {
                    int sx = (flip ? width - 1 - x : x) + dx;
                    target[ch * plane + y * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width ? source[ch * plane + sy * width + sx] : (byte)0;
                }
            }
        }
    }
}

namespace Manabi.Torch.Siamese;

/// <summary>
/// Batches of <see cref="ClassesPerBatch"/> classes × <see cref="ImagesPerClass"/> images, so every batch has
/// positives and negatives for pair losses and miners. Each class's images are visited in a shuffled order
/// (reshuffled when exhausted); the batches of an epoch are a function of (seed, epoch) alone, so a run
/// resumes at any batch exactly.
/// </summary>
public sealed class MPerClassSampler
{
    private readonly int[][] byClass;
    private readonly int seed;

    /// <summary>Creates the sampler over the images whose label is in <paramref name="classes"/> (all labels when null).</summary>
    /// <exception cref="ArgumentException">Fewer than <paramref name="classesPerBatch"/> classes, or a class with fewer than <paramref name="imagesPerClass"/> images.</exception>
    public MPerClassSampler(IReadOnlyList<int> labels, int classesPerBatch, int imagesPerClass, int seed, IReadOnlyCollection<int>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classesPerBatch, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesPerClass, 2);
        var groups = ClassMembers.Group(labels, classes);
        if (groups.Count < classesPerBatch)
        {
            throw new ArgumentException($"A batch needs {classesPerBatch} classes but the data has {groups.Count} ({string.Join(", ", groups.Keys)}).", nameof(classesPerBatch));
        }
        var small = groups.FirstOrDefault(g => g.Value.Length < imagesPerClass);
        if (small.Value is not null)
        {
            throw new ArgumentException($"Class {small.Key} has {small.Value.Length} images; a batch takes {imagesPerClass} per class.", nameof(imagesPerClass));
        }
        Classes = [.. groups.Keys];
        byClass = [.. groups.Values];
        ClassesPerBatch = classesPerBatch;
        ImagesPerClass = imagesPerClass;
        ImageCount = byClass.Sum(c => c.Length);
        this.seed = seed;
    }

    /// <summary>The classes drawn from, ascending.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>Classes per batch.</summary>
    public int ClassesPerBatch { get; }

    /// <summary>Images per class in a batch.</summary>
    public int ImagesPerClass { get; }

    /// <summary>The number of images drawn from.</summary>
    public int ImageCount { get; }

    /// <summary>Images per batch.</summary>
    public int BatchSize => ClassesPerBatch * ImagesPerClass;

    /// <summary>Batches per epoch: about one pass over the images.</summary>
    public int BatchesPerEpoch => Math.Max(1, ImageCount / BatchSize);

    /// <summary>The batches (image indices, grouped by class) of <paramref name="epoch"/>.</summary>
    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        var random = new Random(Data.Seeds.Mix(seed, epoch, -2));
        var orders = byClass.Select(c => (int[])c.Clone()).ToArray();
        var cursors = new int[orders.Length];
        foreach (var order in orders)
        {
            random.Shuffle(order);
        }
        int[] classOrder = Enumerable.Range(0, orders.Length).ToArray();
        var batches = new List<int[]>(BatchesPerEpoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            random.Shuffle(classOrder);
            var batch = new int[BatchSize];
            for (int c = 0; c < ClassesPerBatch; c++)
            {
                int k = classOrder[c];
                // A class whose remaining images cannot fill its slot starts a fresh shuffle, so no image repeats in a batch.
                if (orders[k].Length - cursors[k] < ImagesPerClass)
                {
                    random.Shuffle(orders[k]);
                    cursors[k] = 0;
                }
                for (int m = 0; m < ImagesPerClass; m++)
                {
                    batch[c * ImagesPerClass + m] = orders[k][cursors[k]++];
                }
            }
            batches.Add(batch);
        }
        return batches;
    }
}

namespace Manabi.Torch.Siamese;

/// <summary>Pairs of image indices with a same-class flag.</summary>
/// <param name="First">The first image of each pair.</param>
/// <param name="Second">The second image of each pair.</param>
/// <param name="Same">Whether the two share a class.</param>
public sealed record ImagePairs(int[] First, int[] Second, bool[] Same);

/// <summary>Index triplets: anchor and positive share a class, the negative has another.</summary>
/// <param name="Anchors">Anchor images.</param>
/// <param name="Positives">Positive images (never the anchor itself).</param>
/// <param name="Negatives">Negative images.</param>
public sealed record ImageTriplets(int[] Anchors, int[] Positives, int[] Negatives);

/// <summary>
/// Seeded random pairs and triplets over labelled images: pairs are exactly balanced (even positions same
/// class, odd positions different), the first image and the classes drawn uniformly.
/// </summary>
public sealed class PairSampler
{
    private readonly IReadOnlyList<int> labels;
    private readonly int[][] byClass;

    /// <summary>Creates the sampler over the images whose label is in <paramref name="classes"/> (all when null).</summary>
    /// <exception cref="ArgumentException">Fewer than two classes, or a class with a single image.</exception>
    public PairSampler(IReadOnlyList<int> labels, IReadOnlyCollection<int>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        this.labels = labels;
        var groups = ClassMembers.Group(labels, classes);
        if (groups.Count < 2)
        {
            throw new ArgumentException($"Pairs need two classes; the data has {groups.Count}.", nameof(classes));
        }
        var single = groups.FirstOrDefault(g => g.Value.Length < 2);
        if (single.Value is not null)
        {
            throw new ArgumentException($"Class {single.Key} has one image; a positive pair needs two.", nameof(classes));
        }
        byClass = [.. groups.Values];
    }

    /// <summary><paramref name="count"/> balanced pairs.</summary>
    public ImagePairs Pairs(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var first = new int[count];
        var second = new int[count];
        var same = new bool[count];
        for (int i = 0; i < count; i++)
        {
            int c = random.Next(byClass.Length);
            int a = byClass[c][random.Next(byClass[c].Length)];
            first[i] = a;
            same[i] = i % 2 == 0;
            second[i] = same[i] ? OtherOfClass(random, c, a) : OfOtherClass(random, c);
        }
        return new ImagePairs(first, second, same);
    }

    /// <summary><paramref name="count"/> random triplets.</summary>
    public ImageTriplets Triplets(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var anchors = new int[count];
        var positives = new int[count];
        var negatives = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = random.Next(byClass.Length);
            anchors[i] = byClass[c][random.Next(byClass[c].Length)];
            positives[i] = OtherOfClass(random, c, anchors[i]);
            negatives[i] = OfOtherClass(random, c);
        }
        return new ImageTriplets(anchors, positives, negatives);
    }

    private int OtherOfClass(Random random, int c, int image)
    {
        var members = byClass[c];
        // Draw from the class without the image itself: pick among n − 1 and skip over its position.
        int position = Array.IndexOf(members, image);
        int j = random.Next(members.Length - 1);
        return members[j >= position ? j + 1 : j];
    }

    private int OfOtherClass(Random random, int c)
    {
        int other = random.Next(byClass.Length - 1);
        if (other >= c)
        {
            other++;
        }
        return byClass[other][random.Next(byClass[other].Length)];
    }

    /// <summary>The label of image <paramref name="index"/>.</summary>
    public int LabelOf(int index) => labels[index];
}

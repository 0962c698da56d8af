using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>
/// N-way K-shot evaluation of frozen embeddings with prototypes (Snell et al. 2017): each episode draws <c>way</c>
/// classes, <c>shot</c> support and <c>queriesPerClass</c> query embeddings per class, and assigns each query to the
/// class whose prototype (the mean of its support embeddings) is nearest.
/// </summary>
public static class FewShotEvaluator
{
    // Elements of the largest per-chunk tensor; bounds memory (~32 MB of float32) whatever the episode count.
    private const long ChunkElementBudget = 8L << 20;

    /// <summary>
    /// Runs <paramref name="episodes"/> random episodes. Indices are drawn with <see cref="Random"/>(seed), so the
    /// episodes are the same on every machine; distances are computed for a chunk of episodes at a time with batched
    /// tensor operations (no per-episode loops over distances).
    /// </summary>
    /// <param name="embeddings">(n, d) floating-point tensor, finite.</param>
    /// <param name="labels">n class labels, any integers.</param>
    /// <param name="way">Classes per episode, at least 2 and at most the number of classes present.</param>
    /// <param name="shot">Support embeddings per class, at least 1.</param>
    /// <param name="episodes">Number of episodes, at least 1.</param>
    /// <param name="queriesPerClass">Query embeddings per class, at least 1; drawn without replacement together with the support.</param>
    /// <param name="seed">Seed of the episode draws.</param>
    /// <param name="distance"><see cref="EmbeddingDistance.Euclidean"/>: nearest prototype in L2;
    /// <see cref="EmbeddingDistance.Cosine"/>: prototype with the largest cosine similarity.</param>
    /// <returns>Mean accuracy over all queries and its 95% confidence interval over episodes.</returns>
    /// <exception cref="ArgumentException">Bad shapes or counts, fewer classes than <paramref name="way"/>, or a class
    /// with fewer than <paramref name="shot"/> + <paramref name="queriesPerClass"/> embeddings.</exception>
    public static FewShotResult Evaluate(Tensor embeddings, IReadOnlyList<int> labels, int way, int shot, int episodes,
        int queriesPerClass = 1, int seed = 0, EmbeddingDistance distance = EmbeddingDistance.Euclidean)
    {
        if (way < 2)
        {
            throw new ArgumentException($"way must be at least 2 but is {way}.", nameof(way));
        }
        if (shot < 1)
        {
            throw new ArgumentException($"shot must be at least 1 but is {shot}.", nameof(shot));
        }
        if (episodes < 1)
        {
            throw new ArgumentException($"episodes must be at least 1 but is {episodes}.", nameof(episodes));
        }
        if (queriesPerClass < 1)
        {
            throw new ArgumentException($"queriesPerClass must be at least 1 but is {queriesPerClass}.", nameof(queriesPerClass));
        }
        if (distance is not (EmbeddingDistance.Euclidean or EmbeddingDistance.Cosine))
        {
            throw new ArgumentException($"distance {distance} is not supported.", nameof(distance));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor matrix = EmbeddingInput.Matrix(embeddings, nameof(embeddings));
        var (classIndex, classLabels) = EmbeddingInput.DenseClasses(labels, matrix.shape[0], nameof(labels));
        int perClass = shot + queriesPerClass;
        int[][] members = MembersOfEachClass(classIndex, classLabels.Length);
        if (classLabels.Length < way)
        {
            throw new ArgumentException($"labels has {classLabels.Length} classes but way is {way}.", nameof(labels));
        }
        for (int c = 0; c < members.Length; c++)
        {
            if (members[c].Length < perClass)
            {
                throw new ArgumentException(
                    $"class {classLabels[c]} has {members[c].Length} embeddings but shot ({shot}) + queriesPerClass ({queriesPerClass}) = {perClass} are needed.",
                    nameof(labels));
            }
        }

        long dimensions = matrix.shape[1];
        // The gathered embeddings are the largest per-episode tensor; the scores are only (way·queries) × way.
        long perEpisode = (long)way * perClass * dimensions + (long)way * queriesPerClass * way;
        int chunk = (int)Math.Clamp(ChunkElementBudget / perEpisode, 1, episodes);
        // Query j of an episode belongs to slot j / queriesPerClass.
        Tensor truth = arange(way, int64).repeat_interleave(queriesPerClass);

        var random = new Random(seed);
        int[] classOrder = Enumerable.Range(0, members.Length).ToArray();
        var correctPerEpisode = new long[episodes];
        for (int start = 0; start < episodes; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(chunk, episodes - start);
            long[] indices = DrawEpisodes(random, classOrder, members, count, way, perClass);
            Tensor drawn = matrix.index_select(0, tensor(indices)).view(count, way, perClass, dimensions);
            Tensor prototypes = drawn.narrow(2, 0, shot).mean([2]);                                   // (E, way, d)
            Tensor queries = drawn.narrow(2, shot, queriesPerClass).reshape(count, way * queriesPerClass, dimensions);
            Tensor predicted = distance == EmbeddingDistance.Euclidean
                ? NearestByEuclidean(queries, prototypes)
                : bmm(nn.functional.normalize(queries, dim: -1), nn.functional.normalize(prototypes, dim: -1).transpose(1, 2)).argmax(-1);
            long[] correct = predicted.eq(truth).sum(1).data<long>().ToArray();
            Array.Copy(correct, 0, correctPerEpisode, start, count);
        }

        double queriesPerEpisode = (double)way * queriesPerClass;
        double accuracy = correctPerEpisode.Sum() / (queriesPerEpisode * episodes);
        double variance = correctPerEpisode.Select(c => Math.Pow(c / queriesPerEpisode - accuracy, 2)).Sum() / episodes;
        return new FewShotResult(way, shot, queriesPerClass, episodes, accuracy, 1.96 * Math.Sqrt(variance) / Math.Sqrt(episodes));
    }

    /// <summary>
    /// Index of the nearest prototype for each query: argmax of 2q·p − ‖p‖² (‖q − p‖² without the constant ‖q‖²) by one
    /// batched product. Both sides are first centred on the episode's mean prototype; distances do not change, and
    /// embeddings far from the origin then lose no precision to cancellation.
    /// </summary>
    private static Tensor NearestByEuclidean(Tensor queries, Tensor prototypes)
    {
        Tensor centre = prototypes.mean([1], keepdim: true);
        Tensor centredPrototypes = prototypes - centre;
        Tensor scores = 2 * bmm(queries - centre, centredPrototypes.transpose(1, 2)) - centredPrototypes.square().sum(-1).unsqueeze(1);
        return scores.argmax(-1);
    }

    private static int[][] MembersOfEachClass(long[] classIndex, int classes)
    {
        var lists = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < classIndex.Length; i++)
        {
            lists[classIndex[i]].Add(i);
        }
        return lists.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>
    /// Row indices for <paramref name="count"/> episodes, laid out (episode, slot, item): the first <c>shot</c> items of
    /// a slot are its support, the rest its queries. Classes and items are drawn without replacement by a partial
    /// Fisher–Yates shuffle of persistent arrays, which gives uniform draws whatever order the arrays were left in.
    /// </summary>
    private static long[] DrawEpisodes(Random random, int[] classOrder, int[][] members, int count, int way, int perClass)
    {
        var indices = new long[(long)count * way * perClass];
        long next = 0;
        for (int e = 0; e < count; e++)
        {
            PartialShuffle(random, classOrder, way);
            for (int slot = 0; slot < way; slot++)
            {
                int[] pool = members[classOrder[slot]];
                PartialShuffle(random, pool, perClass);
                for (int item = 0; item < perClass; item++)
                {
                    indices[next++] = pool[item];
                }
            }
        }
        return indices;
    }

    /// <summary>Moves a uniformly random ordered <paramref name="take"/>-subset of <paramref name="items"/> to its front.</summary>
    private static void PartialShuffle(Random random, int[] items, int take)
    {
        for (int i = 0; i < take; i++)
        {
            int j = random.Next(i, items.Length);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

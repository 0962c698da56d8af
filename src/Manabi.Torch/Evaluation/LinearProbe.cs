using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Evaluation;

/// <summary>
/// Linear evaluation of frozen embeddings: multinomial logistic regression on features standardised with the training
/// mean and standard deviation, trained by mini-batch Adam with a cosine learning-rate schedule.
/// </summary>
public static class LinearProbe
{
    // Rows scored at once when measuring accuracy.
    private const int ScoringChunk = 16384;

    /// <summary>
    /// Trains the probe on <paramref name="trainEmbeddings"/> and reports train and test accuracy. The weights start at
    /// zero and the batches follow <see cref="Random"/>(seed), so a seed gives the same result on a given machine.
    /// </summary>
    /// <param name="trainEmbeddings">(n, d) floating-point tensor, finite.</param>
    /// <param name="trainLabels">n labels, at least two distinct values.</param>
    /// <param name="testEmbeddings">(m, d) floating-point tensor, finite.</param>
    /// <param name="testLabels">m labels, each also present among the training labels.</param>
    /// <param name="options">Training settings; <see langword="null"/> for the defaults of <see cref="LinearProbeOptions"/>.</param>
    /// <returns>Accuracies, class count and width.</returns>
    /// <exception cref="ArgumentException">Bad shapes, widths that differ, fewer than two classes, a test label never
    /// seen in training, or non-positive settings.</exception>
    public static LinearProbeResult Fit(Tensor trainEmbeddings, IReadOnlyList<int> trainLabels, Tensor testEmbeddings,
        IReadOnlyList<int> testLabels, LinearProbeOptions? options = null)
    {
        options ??= new LinearProbeOptions();
        CheckOptions(options);
        ArgumentNullException.ThrowIfNull(testLabels);
        using var scope = NewDisposeScope();
        Tensor train = EmbeddingInput.Matrix(trainEmbeddings, nameof(trainEmbeddings));
        Tensor test = EmbeddingInput.Matrix(testEmbeddings, nameof(testEmbeddings));
        int dimensions = (int)train.shape[1];
        if (test.shape[1] != dimensions)
        {
            throw new ArgumentException($"testEmbeddings has {test.shape[1]} dimensions but trainEmbeddings has {dimensions}.", nameof(testEmbeddings));
        }
        var (trainClassIndex, classLabels) = EmbeddingInput.DenseClasses(trainLabels, train.shape[0], nameof(trainLabels));
        if (classLabels.Length < 2)
        {
            throw new ArgumentException($"trainLabels has {classLabels.Length} distinct value(s); a classifier needs at least 2.", nameof(trainLabels));
        }
        long[] testClassIndex = TestClassIndex(testLabels, test.shape[0], classLabels);

        Tensor mean = train.mean([0], keepdim: true);
        // Constant features (e.g. always-black border pixels) keep a scale of 1 instead of dividing by zero.
        Tensor std = train.std(0, unbiased: false, keepdim: true);
        std = where(std.gt(1e-12), std, ones_like(std));
        train = (train - mean) / std;
        test = (test - mean) / std;
        Tensor trainTargets = tensor(trainClassIndex);
        Tensor testTargets = tensor(testClassIndex);

        var weight = new Parameter(zeros(dimensions, classLabels.Length));
        var bias = new Parameter(zeros(classLabels.Length));
        Train(train, trainTargets, weight, bias, options);

        using var noGrad = no_grad();
        return new LinearProbeResult(Accuracy(train, trainTargets, weight, bias), Accuracy(test, testTargets, weight, bias),
            classLabels.Length, dimensions);
    }

    private static void Train(Tensor features, Tensor targets, Parameter weight, Parameter bias, LinearProbeOptions options)
    {
        int rows = (int)features.shape[0];
        int batchSize = Math.Min(options.BatchSize, rows);
        int stepsPerEpoch = (rows + batchSize - 1) / batchSize;
        int epochs = Math.Max(options.Epochs, (options.MinimumSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        long totalSteps = (long)stepsPerEpoch * epochs;
        using var optimizer = optim.Adam([weight, bias], options.LearningRate);
        var random = new Random(options.Seed);
        int[] order = Enumerable.Range(0, rows).ToArray();
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            Tensor epochOrder = tensor(order.Select(i => (long)i).ToArray());
            for (int batch = 0; batch < stepsPerEpoch; batch++)
            {
                using var stepScope = NewDisposeScope();
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                }
                int start = batch * batchSize;
                Tensor rowsOfBatch = epochOrder.narrow(0, start, Math.Min(batchSize, rows - start));
                optimizer.zero_grad();
                Tensor logits = features.index_select(0, rowsOfBatch).matmul(weight) + bias;
                Tensor loss = nn.functional.cross_entropy(logits, targets.index_select(0, rowsOfBatch))
                    + 0.5 * options.WeightDecay * weight.square().sum();
                loss.backward();
                optimizer.step();
                step++;
            }
            epochOrder.Dispose();
        }
    }

    private static double Accuracy(Tensor features, Tensor targets, Tensor weight, Tensor bias)
    {
        long rows = features.shape[0];
        if (rows == 0)
        {
            return 0;
        }
        long correct = 0;
        for (long start = 0; start < rows; start += ScoringChunk)
        {
            using var chunkScope = NewDisposeScope();
            long count = Math.Min(ScoringChunk, rows - start);
            Tensor predicted = (features.narrow(0, start, count).matmul(weight) + bias).argmax(1);
            correct += predicted.eq(targets.narrow(0, start, count)).sum().item<long>();
        }
        return (double)correct / rows;
    }

    private static long[] TestClassIndex(IReadOnlyList<int> testLabels, long rows, int[] classLabels)
    {
        if (testLabels.Count != rows)
        {
            throw new ArgumentException($"testLabels has {testLabels.Count} labels but testEmbeddings has {rows} rows.", nameof(testLabels));
        }
        var result = new long[testLabels.Count];
        for (int i = 0; i < result.Length; i++)
        {
            int index = Array.BinarySearch(classLabels, testLabels[i]);
            if (index < 0)
            {
                throw new ArgumentException($"testLabels[{i}] is {testLabels[i]}, a class absent from trainLabels.", nameof(testLabels));
            }
            result[i] = index;
        }
        return result;
    }

    private static void CheckOptions(LinearProbeOptions options)
    {
        if (options.Epochs < 1)
        {
            throw new ArgumentException($"options.Epochs must be at least 1 but is {options.Epochs}.", nameof(options));
        }
        if (!(options.LearningRate > 0) || !double.IsFinite(options.LearningRate))
        {
            throw new ArgumentException($"options.LearningRate must be positive and finite but is {options.LearningRate}.", nameof(options));
        }
        if (!(options.WeightDecay >= 0) || !double.IsFinite(options.WeightDecay))
        {
            throw new ArgumentException($"options.WeightDecay must be non-negative and finite but is {options.WeightDecay}.", nameof(options));
        }
        if (options.MinimumSteps < 0)
        {
            throw new ArgumentException($"options.MinimumSteps must be non-negative but is {options.MinimumSteps}.", nameof(options));
        }
        if (options.BatchSize < 1)
        {
            throw new ArgumentException($"options.BatchSize must be at least 1 but is {options.BatchSize}.", nameof(options));
        }
    }
}

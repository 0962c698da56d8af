using Manabi.Torch.Data;
using Manabi.Torch.Training;
using Manabi.Vision.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Training;

/// <summary>Accuracy of a classifier on a data set, per class and as a confusion matrix.</summary>
/// <param name="Accuracy">The fraction of images classified correctly.</param>
/// <param name="Loss">The mean cross-entropy (without label smoothing).</param>
/// <param name="PerClassAccuracy">Recall of each class.</param>
/// <param name="Confusion">Counts: row = true class, column = predicted class.</param>
/// <param name="Count">Images evaluated.</param>
public sealed record EvaluationResult(double Accuracy, double Loss, double[] PerClassAccuracy, long[][] Confusion, int Count);

/// <summary>Evaluates classifiers in batches without gradients.</summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (switched to evaluation mode) on <paramref name="dataset"/>, averaging the
    /// logits of the views <paramref name="testTimeAugmentation"/> names for each image.
    /// </summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset dataset, Augmentation normalisation, int batchSize = 256, TestTimeAugmentation testTimeAugmentation = TestTimeAugmentation.None)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(normalisation);
        if (!Enum.IsDefined(testTimeAugmentation))
        {
            throw new ArgumentOutOfRangeException(nameof(testTimeAugmentation), testTimeAugmentation, "not a test-time augmentation");
        }
        int classes = dataset.ClassNames.Count;
        var confusion = new long[classes][];
        for (int i = 0; i < classes; i++)
        {
            confusion[i] = new long[classes];
        }
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0;
        try
        {
            using var noGrad = no_grad();
            var loader = new BatchLoader(dataset, batchSize, normalisation.WithoutRandomness(), shuffle: false, seed: 0);
            foreach (var batch in loader.Epoch(0))
            {
                using var scope = NewDisposeScope();
                using var owned = batch;
                var logits = Logits(model, batch.Images, normalisation, testTimeAugmentation);
                lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
                long[] predicted = logits.argmax(1).data<long>().ToArray();
                long[] truth = batch.Labels.data<long>().ToArray();
                for (int i = 0; i < predicted.Length; i++)
                {
                    confusion[truth[i]][predicted[i]]++;
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        long correct = Enumerable.Range(0, classes).Sum(i => confusion[i][i]);
        var perClass = Enumerable.Range(0, classes).Select(i => confusion[i].Sum() is long n and > 0 ? (double)confusion[i][i] / n : 0).ToArray();
        return new EvaluationResult(dataset.Count == 0 ? 0 : (double)correct / dataset.Count, dataset.Count == 0 ? 0 : lossSum / dataset.Count, perClass, confusion, dataset.Count);
    }

    /// <summary>How many views of each image <paramref name="testTimeAugmentation"/> classifies: 1, 2 or 6.</summary>
    public static int ViewsPerImage(TestTimeAugmentation testTimeAugmentation) => testTimeAugmentation switch
    {
        TestTimeAugmentation.None => 1,
        TestTimeAugmentation.Flip => 2,
        TestTimeAugmentation.FlipAndTranslate => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(testTimeAugmentation), testTimeAugmentation, "not a test-time augmentation"),
    };

    /// <summary>The averaged logits of a batch of normalised images (N, C, H, W) under a test-time augmentation.</summary>
    private static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor images, Augmentation normalisation, TestTimeAugmentation testTimeAugmentation)
    {
        if (testTimeAugmentation == TestTimeAugmentation.None)
        {
            return model.call(images);
        }
        var mirrored = images.flip(3);
        var logits = model.call(images).add_(model.call(mirrored)).div_(2);
        if (testTimeAugmentation == TestTimeAugmentation.FlipAndTranslate)
        {
            // airbench's tta_level 2: the four translated views share the other half of the weight. Black is
            // -mean/std per channel after normalisation, as the training crops' padding.
            var black = tensor(normalisation.Mean.Zip(normalisation.Std, (m, s) => -m / s).ToArray(), device: images.device)
                .reshape(1, images.shape[1], 1, 1);
            var translated = model.call(Translate(images, 1, black))
                .add_(model.call(Translate(images, -1, black)))
                .add_(model.call(Translate(mirrored, 1, black)))
                .add_(model.call(Translate(mirrored, -1, black)));
            logits = logits.mul_(0.5).add_(translated.mul_(0.125));
        }
        return logits;
    }

    /// <summary>
    /// Moves normalised images <paramref name="step"/> pixels down and right (negative: up and left); the pixels
    /// moved in take the per-channel value <paramref name="black"/> (shape 1, C, 1, 1).
    /// </summary>
    private static Tensor Translate(Tensor images, int step, Tensor black)
    {
        long height = images.shape[2], width = images.shape[3];
        int pad = Math.Abs(step);
        var padded = nn.functional.pad(images - black, [pad, pad, pad, pad]).add_(black);
        // Output pixel (y, x) is input pixel (y - step, x - step): the window starts pad - step into the padded image.
        return padded.narrow(2, pad - step, height).narrow(3, pad - step, width);
    }
}

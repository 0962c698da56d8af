using Manabi.Torch.Data;
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
    /// Evaluates <paramref name="model"/> (switched to evaluation mode) on <paramref name="dataset"/>; with
    /// <paramref name="flipAverage"/>, the logits of each image and of its mirror image are averaged (test-time flip).
    /// </summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset dataset, Augmentation normalisation, int batchSize = 256, bool flipAverage = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(normalisation);
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
                var logits = model.call(batch.Images);
                if (flipAverage)
                {
                    logits = logits.add(model.call(batch.Images.flip(3))).div_(2);
                }
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
}

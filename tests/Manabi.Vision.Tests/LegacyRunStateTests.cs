using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Siamese;
using Manabi.Vision.Tests.Siamese;
using Manabi.Vision.Training;
using System.Globalization;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

/// <summary>
/// Run folders written before the trainers shared one loop and one run-state core still load and resume exactly:
/// a stopped run whose <c>state.json</c> is replaced by one in the format of that time (each trainer with its own
/// order of the partial-epoch sums) ends with the weights and epoch figures of an uninterrupted run.
/// </summary>
public sealed class LegacyRunStateTests
{
    public LegacyRunStateTests() => TorchRuntime.EnsureLoaded();

    private static string Folder() => Directory.CreateTempSubdirectory("manabi-legacy-state-").FullName;

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void AssertSameWeights(string first, string second)
    {
        var a = SafeTensors.Read(Path.Combine(first, RunFolder.ModelFileName));
        var b = SafeTensors.Read(Path.Combine(second, RunFolder.ModelFileName));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys)
        {
            Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{key} differs after resuming the old state");
        }
    }

    private static readonly TrainingOptions ClassifierOptions = new() { Epochs = 2, BatchSize = 16, LearningRate = 1e-3, WarmupEpochs = 0.5, Seed = 5 };

    private static TrainingOutcome TrainClassifier(string folder, ImageDataset train, int? stopAfterBatches, Action<TrainingProgress>? progress = null)
    {
        manual_seed(ClassifierOptions.Seed);
        var state = File.Exists(Path.Combine(folder, TrainingState.FileName))
            ? TrainingState.Load(folder)
            : new TrainingState
            {
                Model = "resnet18-small", Classes = 3, ImageSize = 28, Channels = 1, ClassNames = train.ClassNames,
                Data = "synthetic", Mean = [0.3f], Std = [0.3f], Options = ClassifierOptions,
            };
        using var model = VisionModels.Create(state.Model, state.Classes);
        using var cancel = new CancellationTokenSource();
        var trainer = new Trainer(model, state, folder);
        int batches = 0;
        trainer.OnProgress = report =>
        {
            progress?.Invoke(report);
            if (++batches == stopAfterBatches)
            {
                cancel.Cancel();
            }
        };
        return trainer.Run(train, null, cancel.Token);
    }

    [Fact]
    public void A_classifier_run_stopped_before_the_shared_loop_resumes_to_the_uninterrupted_weights()
    {
        var train = SiameseTrainingTests.Synthetic(16, 1);
        string straight = Folder(), interrupted = Folder();
        try
        {
            Assert.Equal(TrainingOutcome.Finished, TrainClassifier(straight, train, null));
            TrainingProgress last = default;
            Assert.Equal(TrainingOutcome.Cancelled, TrainClassifier(interrupted, train, 4, report => last = report));
            var firstEpoch = TrainingState.Load(interrupted).History.Single();
            // The first batch of epoch 2 holds 16 images, so the mean loss and accuracy give back the sums exactly.
            Assert.Equal((2, 1), (last.Epoch, last.Batch));
            // state.json as 'vision train' wrote it before the shared loop: every property, and partial_epoch in the
            // classifier's order (loss·images, correct predictions, images, seconds).
            string legacy = $$"""
                {
                  "model": "resnet18-small",
                  "classes": 3,
                  "image_size": 28,
                  "channels": 1,
                  "drop_path": 0,
                  "class_names": ["a", "b", "c"],
                  "data": "synthetic",
                  "mean": [0.3],
                  "std": [0.3],
                  "options": {
                    "epochs": 2,
                    "batch_size": 16,
                    "optimizer": "adam_w",
                    "learning_rate": 0.001,
                    "min_learning_rate": 0,
                    "weight_decay": 0.05,
                    "momentum": 0.9,
                    "warmup_epochs": 0.5,
                    "label_smoothing": 0.1,
                    "gradient_clip": 1,
                    "seed": 5,
                    "max_minutes": 0,
                    "crop_padding": 2,
                    "horizontal_flip": true,
                    "mixup_alpha": 0,
                    "cutmix_alpha": 0,
                    "ema_decay": 0,
                    "random_erasing_probability": 0,
                    "trivial_augment": false,
                    "test_time_flip": false,
                    "evaluate_each_epoch": true
                  },
                  "epoch": 1,
                  "batch": 1,
                  "step": 4,
                  "partial_epoch": [{{Number(last.Loss * 16)}}, {{Number(last.Accuracy * 16)}}, 16, 0.5],
                  "elapsed_seconds": 2.5,
                  "finished": false,
                  "history": [
                    {
                      "epoch": 1,
                      "train_loss": {{Number(firstEpoch.TrainLoss)}},
                      "train_accuracy": {{Number(firstEpoch.TrainAccuracy)}},
                      "test_accuracy": null,
                      "seconds": 2,
                      "images_per_second": 24,
                      "learning_rate": {{Number(firstEpoch.LearningRate)}}
                    }
                  ],
                  "last_evaluation": null
                }
                """;
            // Sums of another layout (one number too many) are refused where state.json is read, naming it.
            string statePath = Path.Combine(interrupted, TrainingState.FileName);
            File.WriteAllText(statePath, legacy.Replace("\"partial_epoch\": [", "\"partial_epoch\": [7, ", StringComparison.Ordinal));
            var damaged = Assert.Throws<InvalidDataException>(() => TrainingState.Load(interrupted));
            Assert.Contains(statePath, damaged.Message, StringComparison.Ordinal);
            Assert.Contains("partial_epoch holds 5 numbers", damaged.Message, StringComparison.Ordinal);
            File.WriteAllText(statePath, legacy);
            var loaded = TrainingState.Load(interrupted);
            Assert.Equal((1, 1, 4L, 2.5), (loaded.Epoch, loaded.Batch, loaded.Step, loaded.ElapsedSeconds));
            Assert.Equal((5, 16, 1e-3, 0.05), (loaded.Options.Seed, loaded.Options.BatchSize, loaded.Options.LearningRate, loaded.Options.WeightDecay));

            Assert.Equal(TrainingOutcome.Finished, TrainClassifier(interrupted, train, null));
            AssertSameWeights(straight, interrupted);
            var expected = TrainingState.Load(straight).History;
            var resumed = TrainingState.Load(interrupted);
            Assert.True(resumed.Finished);
            Assert.Equal(2, resumed.History.Count);
            Assert.Equal(expected[1].TrainLoss, resumed.History[1].TrainLoss, 10);
            Assert.Equal(expected[1].TrainAccuracy, resumed.History[1].TrainAccuracy, 10);
            Assert.True(resumed.ElapsedSeconds >= 2.5);
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(interrupted, true);
        }
    }

    [Fact]
    public void A_Siamese_run_stopped_before_the_shared_loop_resumes_to_the_uninterrupted_weights()
    {
        var train = SiameseTrainingTests.Synthetic(20, 1);
        var options = new SiameseTrainingOptions { Objective = SiameseObjective.Contrastive, Epochs = 2, ClassesPerBatch = 3, ImagesPerClass = 4, Seed = 3 };
        string straight = Folder(), interrupted = Folder();
        try
        {
            Assert.Equal(TrainingOutcome.Finished, SiameseTrainingTests.Train(straight, options, train, null));
            var reports = new List<SiameseProgress>();
            Assert.Equal(TrainingOutcome.Cancelled, SiameseTrainingTests.Train(interrupted, options, train, 3, reports.Add));
            Assert.Equal(3, reports.Count);
            // The Siamese order of that time: loss·images, images, seconds, the sum of the batches' normalised stds, batches.
            double images = 3 * 12;
            double spread = reports.Aggregate(0.0, (sum, report) => sum + report.NormalizedStd);
            string path = Path.Combine(interrupted, SiameseRunState.FileName);
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            json["partial_epoch"] = JsonNode.Parse($"[{Number(reports[^1].Loss * images)}, {Number(images)}, 0.5, {Number(spread)}, 3]");
            json["elapsed_seconds"] = 1.5;
            File.WriteAllText(path, json.ToJsonString().Replace("\"partial_epoch\":[", "\"partial_epoch\":[7,", StringComparison.Ordinal));
            var damaged = Assert.Throws<InvalidDataException>(() => SiameseRunState.Load(interrupted));
            Assert.Contains(path, damaged.Message, StringComparison.Ordinal);
            Assert.Contains("partial_epoch holds 6 numbers", damaged.Message, StringComparison.Ordinal);
            File.WriteAllText(path, json.ToJsonString());

            Assert.Equal(TrainingOutcome.Finished, SiameseTrainingTests.Train(interrupted, options, train, null));
            AssertSameWeights(straight, interrupted);
            var expected = SiameseRunState.Load(straight).History;
            var resumed = SiameseRunState.Load(interrupted);
            Assert.True(resumed.Finished);
            Assert.Equal(expected[0].Loss, resumed.History[0].Loss, 10);
            Assert.Equal(expected[0].NormalizedStd, resumed.History[0].NormalizedStd, 10);
            Assert.Equal(expected[1].Loss, resumed.History[1].Loss, 10);
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(interrupted, true);
        }
    }
}

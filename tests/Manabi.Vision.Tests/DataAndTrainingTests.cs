using Manabi.Numerics.Datasets;
using Manabi.Torch.Data;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Training;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

public sealed class DataAndTrainingTests
{
    private static string TempFolder() => Directory.CreateTempSubdirectory("manabi-vision-").FullName;

    [Fact]
    public void Idx_reader_reads_gzip_and_plain_unsigned_byte_files()
    {
        string folder = TempFolder();
        try
        {
            byte[] idx = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
            File.WriteAllBytes(Path.Combine(folder, "plain"), idx);
            using (var gz = new GZipStream(File.Create(Path.Combine(folder, "packed.gz")), CompressionLevel.Fastest))
            {
                gz.Write(idx);
            }
            foreach (string name in new[] { "plain", "packed.gz" })
            {
                var (shape, data) = IdxReader.Read(Path.Combine(folder, name));
                Assert.Equal([2, 2, 3], shape);
                Assert.Equal(Enumerable.Range(1, 12).Select(i => (byte)i), data);
            }
            File.WriteAllBytes(Path.Combine(folder, "truncated"), idx[..20]);
            var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(Path.Combine(folder, "truncated")));
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static ImageDataset RequireFashionMnist(bool train)
    {
        string? folder = FashionMnist.Locate();
        Assert.True(folder is not null, $"Fashion-MNIST is needed by this test but absent. {FashionMnist.InstallHint}");
        return FashionMnist.Load(train, folder);
    }

    [Fact]
    public void Fashion_MNIST_has_60000_training_and_10000_test_images_in_10_classes()
    {
        var train = RequireFashionMnist(true);
        var test = RequireFashionMnist(false);
        Assert.Equal((60000, 10000, 28, 28, 1), (train.Count, test.Count, train.Height, train.Width, train.Channels));
        // The data set is balanced: 6000 training images per class.
        Assert.All(train.Labels.CountBy(l => l), kv => Assert.Equal(6000, kv.Value));
    }

    [Fact]
    public void Batches_are_reproducible_from_seed_epoch_and_index()
    {
        TorchRuntime.EnsureLoaded();
        var data = RequireFashionMnist(false).Subset(300, 1);
        var augmentation = new Augmentation([0.286f], [0.353f], CropPadding: 2, HorizontalFlip: true);
        var loader = new BatchLoader(data, 64, augmentation, shuffle: true, seed: 7);
        var all = loader.Epoch(3).ToList();
        var resumed = loader.Epoch(3, firstBatch: 2).ToList();
        Assert.Equal(5, all.Count);
        Assert.Equal(3, resumed.Count);
        Assert.True(all[2].Images.equal(resumed[0].Images).all().item<bool>());
        Assert.True(all[4].Labels.eq(resumed[2].Labels).all().item<bool>());
        var otherEpoch = loader.Epoch(4).First();
        Assert.False(otherEpoch.Labels.eq(all[0].Labels).all().item<bool>());
        foreach (var batch in all.Concat(resumed).Append(otherEpoch))
        {
            batch.Dispose();
        }
    }

    [Theory]
    [InlineData(false, false, "abn-seresnet18-small", 0.0)]
    [InlineData(true, false, "abn-seresnet18-small", 0.0)] // Mixup and CutMix draw from the seed alone, the weight average is saved; test-time views change only the evaluation
    [InlineData(false, true, "abn-seresnet18-small", 0.0)] // random erasing and TrivialAugment draw from (seed, epoch, batch) too
    [InlineData(false, false, "vit-small28-p7", 0.3)] // drop path's masks come from the per-batch seed, and the rate is rebuilt from state.json
    public void An_interrupted_run_resumes_to_exactly_the_same_weights(bool recipes, bool augment, string model, double dropPath)
    {
        TorchRuntime.EnsureLoaded();
        var train = RequireFashionMnist(false).Subset(48, 2);
        var test = RequireFashionMnist(false).Subset(32, 3);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 1e-3, WarmupEpochs = 0.5, Seed = 5 };
        if (recipes)
        {
            options = options with { MixupAlpha = 0.8, CutmixAlpha = 1.0, TestTimeAugmentation = TestTimeAugmentation.FlipAndTranslate, EmaDecay = 0.9 };
        }
        if (augment)
        {
            options = options with { RandomErasingProbability = 0.5, TrivialAugment = true };
        }
        string straight = TempFolder(), interrupted = TempFolder();
        try
        {
            Train(straight, options, train, test, stopAfterBatches: null, model, dropPath);
            var outcome = Train(interrupted, options, train, test, stopAfterBatches: 4, model, dropPath);
            Assert.Equal(TrainingOutcome.Cancelled, outcome);
            var midway = TrainingState.Load(interrupted);
            Assert.Equal((1, 1, 4L), (midway.Epoch, midway.Batch, midway.Step));
            Assert.Equal(dropPath, midway.DropPath);
            Assert.Equal(TrainingOutcome.Finished, Train(interrupted, options, train, test, stopAfterBatches: null, model, dropPath: 0));

            foreach (string file in recipes ? [TrainingState.ModelFileName, WeightAverage.FileName] : new[] { TrainingState.ModelFileName })
            {
                var a = SafeTensors.Read(Path.Combine(straight, file));
                var b = SafeTensors.Read(Path.Combine(interrupted, file));
                Assert.Equal(a.Keys.Order(), b.Keys.Order());
                foreach (var key in a.Keys)
                {
                    Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{file}: {key} differs after resume");
                }
            }
            Assert.Equal(recipes, File.Exists(Path.Combine(straight, WeightAverage.FileName)));
            var finalState = TrainingState.Load(interrupted);
            Assert.True(finalState.Finished);
            Assert.Equal(2, finalState.History.Count);
            Assert.Equal(TrainingState.Load(straight).History[1].TrainLoss, finalState.History[1].TrainLoss, 10);
            Assert.NotNull(finalState.LastEvaluation);
            Assert.Equal(32, finalState.LastEvaluation!.Confusion.Sum(row => row.Sum()));
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(interrupted, true);
        }
    }

    [Fact]
    public void Test_time_flip_averages_the_logits_of_each_image_and_its_mirror_image()
    {
        TorchRuntime.EnsureLoaded();
        var test = RequireFashionMnist(false).Subset(40, 4);
        manual_seed(3);
        using var model = VisionModels.Create("resnet18-tiny");
        var normalisation = new Augmentation([0.286f], [0.353f]);
        var plain = Evaluator.Evaluate(model, test, normalisation, batchSize: 16);
        var flipped = Evaluator.Evaluate(model, test, normalisation, batchSize: 16, testTimeAugmentation: TestTimeAugmentation.Flip);
        model.eval();
        double lossSum = 0;
        using (var noGrad = no_grad())
        {
            foreach (var batch in new BatchLoader(test, 16, normalisation, shuffle: false, seed: 0).Epoch(0))
            {
                using var owned = batch;
                using var scope = NewDisposeScope();
                var logits = (model.call(batch.Images) + model.call(batch.Images.flip(3))) / 2;
                lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
            }
        }
        Assert.Equal(lossSum / test.Count, flipped.Loss, 5);
        Assert.NotEqual(plain.Loss, flipped.Loss);
    }

    [Fact]
    public void Flip_and_translate_weighs_the_image_and_its_mirror_by_a_quarter_and_their_one_pixel_moves_by_an_eighth_each()
    {
        TorchRuntime.EnsureLoaded();
        var test = RequireFashionMnist(false).Subset(24, 6);
        manual_seed(4);
        using var model = VisionModels.Create("resnet18-tiny");
        var normalisation = new Augmentation([0.286f], [0.353f]);
        var evaluated = Evaluator.Evaluate(model, test, normalisation, batchSize: 10, testTimeAugmentation: TestTimeAugmentation.FlipAndTranslate);
        Assert.Equal(6, Evaluator.ViewsPerImage(TestTimeAugmentation.FlipAndTranslate));

        // The views built pixel by pixel: out[y, x] = in[y - step, x - step], black (0 before normalisation) outside.
        model.eval();
        double lossSum = 0;
        long correct = 0;
        float black = -0.286f / 0.353f;
        using (var noGrad = no_grad())
        {
            foreach (var batch in new BatchLoader(test, 24, normalisation, shuffle: false, seed: 0).Epoch(0))
            {
                using var owned = batch;
                using var scope = NewDisposeScope();
                long n = batch.Images.shape[0], h = batch.Images.shape[2], w = batch.Images.shape[3];
                float[] pixels = batch.Images.contiguous().data<float>().ToArray();
                Tensor View(bool mirror, int step)
                {
                    var view = new float[pixels.Length];
                    for (long i = 0; i < n; i++)
                    {
                        for (long y = 0; y < h; y++)
                        {
                            for (long x = 0; x < w; x++)
                            {
                                long sy = y - step, sx = x - step;
                                bool inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                                long sourceX = mirror ? w - 1 - sx : sx;
                                view[(i * h + y) * w + x] = inside ? pixels[(i * h + sy) * w + sourceX] : black;
                            }
                        }
                    }
                    return tensor(view).reshape(n, 1, h, w);
                }
                // Half the weight on the image and its mirror image (a quarter each), half on the four moves (an eighth each).
                var logits = (model.call(View(false, 0)) + model.call(View(true, 0))) * 0.25
                    + (model.call(View(false, 1)) + model.call(View(false, -1)) + model.call(View(true, 1)) + model.call(View(true, -1))) * 0.125;
                lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(batch.Labels).sum().item<long>();
            }
        }
        Assert.Equal(lossSum / test.Count, evaluated.Loss, 5);
        Assert.Equal((double)correct / test.Count, evaluated.Accuracy, 10);
        var flipped = Evaluator.Evaluate(model, test, normalisation, batchSize: 10, testTimeAugmentation: TestTimeAugmentation.Flip);
        Assert.NotEqual(flipped.Loss, evaluated.Loss);
        Assert.Throws<ArgumentOutOfRangeException>("testTimeAugmentation",
            () => Evaluator.Evaluate(model, test, normalisation, testTimeAugmentation: (TestTimeAugmentation)7));
    }

    [Fact]
    public void A_run_state_written_with_the_former_test_time_flip_flag_reads_as_flip()
    {
        string folder = TempFolder();
        try
        {
            var state = new TrainingState
            {
                Model = "resnet18-tiny", Classes = 10, ImageSize = 28, Channels = 1, ClassNames = FashionMnist.ClassNames,
                Data = "fashion-mnist", Mean = [0.286f], Std = [0.353f], Options = new TrainingOptions(),
            };
            state.Save(folder);
            string path = Path.Combine(folder, "state.json");
            string written = File.ReadAllText(path);
            Assert.DoesNotContain("test_time_flip", written, StringComparison.Ordinal);
            Assert.Contains("\"test_time_augmentation\": \"none\"", written, StringComparison.Ordinal);
            File.WriteAllText(path, written.Replace("\"test_time_augmentation\": \"none\"", "\"test_time_flip\": true", StringComparison.Ordinal));
            Assert.Equal(TestTimeAugmentation.Flip, TrainingState.Load(folder).Options.TestTimeAugmentation);
            state = state with { Options = new TrainingOptions { TestTimeAugmentation = TestTimeAugmentation.FlipAndTranslate } };
            state.Save(folder);
            Assert.Equal(TestTimeAugmentation.FlipAndTranslate, TrainingState.Load(folder).Options.TestTimeAugmentation);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData(double.NaN, "options.LearningRate")]
    [InlineData(-1.0, "options.LearningRate")]
    public void A_trainer_refuses_options_out_of_range_naming_the_property(double rate, string property)
    {
        TorchRuntime.EnsureLoaded();
        using var model = VisionModels.Create("resnet18-small");
        var state = new TrainingState
        {
            Model = "resnet18-small", Classes = 10, ImageSize = 28, Channels = 1, ClassNames = FashionMnist.ClassNames,
            Data = "fashion-mnist", Mean = [0.286f], Std = [0.353f], Options = new TrainingOptions { LearningRate = rate },
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, state, Path.GetTempPath()));
        Assert.Equal(property, ex.ParamName);
        Assert.Equal("options.LabelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Trainer(model, state with { Options = new TrainingOptions { LabelSmoothing = double.NaN } }, Path.GetTempPath())).ParamName);
        Assert.Equal("options.TestTimeAugmentation", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Trainer(model, state with { Options = new TrainingOptions { TestTimeAugmentation = (TestTimeAugmentation)3 } }, Path.GetTempPath())).ParamName);
        // Nesterov momentum belongs to SGD with momentum, as in PyTorch.
        foreach (var nesterov in new[] { new TrainingOptions { Nesterov = true }, new TrainingOptions { Optimizer = OptimizerKind.Sgd, Momentum = 0, Nesterov = true } })
        {
            var refused = Assert.Throws<ArgumentException>(() => new Trainer(model, state with { Options = nesterov }, Path.GetTempPath()));
            Assert.Contains("options.Nesterov", refused.Message, StringComparison.Ordinal);
        }
        _ = new Trainer(model, state with { Options = new TrainingOptions { Optimizer = OptimizerKind.Sgd, Nesterov = true } }, Path.GetTempPath());
    }

    // A resumed run takes its drop-path rate from its state (as 'vision train' does), not from dropPath.
    private static TrainingOutcome Train(string folder, TrainingOptions options, ImageDataset train, ImageDataset test, int? stopAfterBatches,
        string modelName = "abn-seresnet18-small", double dropPath = 0)
    {
        manual_seed(options.Seed);
        var state = File.Exists(Path.Combine(folder, TrainingState.FileName))
            ? TrainingState.Load(folder)
            : new TrainingState
            {
                Model = modelName, Classes = 10, ImageSize = 28, Channels = 1, ClassNames = FashionMnist.ClassNames,
                Data = "fashion-mnist", Mean = [0.286f], Std = [0.353f], Options = options, DropPath = dropPath,
            };
        using var model = VisionModels.Create(state.Model, dropPath: state.DropPath);
        using var cancel = new CancellationTokenSource();
        var trainer = new Trainer(model, state, folder);
        int batches = 0;
        trainer.OnProgress = _ =>
        {
            if (++batches == stopAfterBatches)
            {
                cancel.Cancel();
            }
        };
        return trainer.Run(train, test, cancel.Token);
    }

    [Fact]
    public void Norms_biases_position_embeddings_and_class_tokens_get_no_weight_decay()
    {
        TorchRuntime.EnsureLoaded();
        using var vit = VisionModels.Create("vit-small28", device: META);
        var decayed = vit.named_parameters().Where(p => Optimizer.UsesWeightDecay(p.name, p.parameter)).Select(p => p.name).ToHashSet();
        Assert.Contains("blocks.0.attn.qkv.weight", decayed);
        Assert.Contains("patch_embed.proj.weight", decayed);
        Assert.DoesNotContain("pos_embed", decayed);
        Assert.DoesNotContain("cls_token", decayed);
        Assert.DoesNotContain("blocks.0.norm1.weight", decayed);
        Assert.DoesNotContain("blocks.0.attn.qkv.bias", decayed);
    }

    [Fact]
    public void The_cosine_schedule_warms_up_linearly_then_decays_to_the_final_rate()
    {
        var schedule = new CosineSchedule(1.0, 0.0, 10, 110);
        Assert.Equal(0.1, schedule.Rate(0), 12);
        Assert.Equal(1.0, schedule.Rate(9), 12);
        Assert.Equal(1.0, schedule.Rate(10), 12);
        Assert.Equal(0.5, schedule.Rate(60), 12);
        Assert.Equal(0.0, schedule.Rate(110), 12);
    }
}

using Manabi.Torch.Data;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Siamese;
using Manabi.Vision.Training;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests.Siamese;

public sealed class SiameseTrainingTests
{
    public SiameseTrainingTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Three classes of 28×28 images: a bright square in a class-specific corner over noise.</summary>
    internal static ImageDataset Synthetic(int perClass, int seed)
    {
        var random = new Random(seed);
        int count = 3 * perClass;
        var pixels = new byte[count * 784];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            labels[i] = label;
            int top = label == 1 ? 14 : 2, left = label == 2 ? 14 : 2;
            for (int p = 0; p < 784; p++)
            {
                int y = p / 28, x = p % 28;
                bool inside = y >= top && y < top + 10 && x >= left && x < left + 10;
                pixels[i * 784 + p] = (byte)Math.Clamp((inside ? 200 : 30) + random.Next(-25, 26), 0, 255);
            }
        }
        return new ImageDataset(pixels, labels, 1, 28, 28, ["a", "b", "c"]);
    }

    [Fact]
    public void The_embedding_network_keeps_the_encoder_keys_and_normalises()
    {
        using var scope = NewDisposeScope();
        // Fixed weights and inputs, so that a failure here reproduces.
        manual_seed(11);
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("resnet18-small", 28, 1, 64));
        var keys = network.state_dict().Keys.ToList();
        Assert.Contains("encoder.conv1.weight", keys);
        Assert.Contains("encoder.layer4.1.bn2.running_mean", keys);
        Assert.Contains("projector.0.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("encoder.fc", StringComparison.Ordinal));
        long encoderParameters = VisionModels.ParameterCount("resnet18-small", classes: 0);
        Assert.Equal(encoderParameters + network.FeatureDimension * 64 + 64, StateDicts.ParameterCount(network));
        network.eval();
        var e = network.call(randn(5, 1, 28, 28));
        Assert.Equal(new long[] { 5, 64 }, e.shape);
        Assert.True((e.norm(dim: 1) - 1).abs().max().item<float>() < 1e-5);
        var siamese = new SiameseNetwork(network);
        var x = randn(3, 1, 28, 28);
        // The twins run as rows 0-2 and 3-5 of one batch. The encoder gives those rows bit-identical features,
        // but the projection's matrix product accumulates rows in different register blocks depending on their
        // position, so identical rows come out a few float32 ulps apart (measured up to 9e-8 on these unit
        // vectors). allclose's default atol of 1e-8 then fails on a near-zero component for about one random
        // input in five; 1e-6 is ten times the rounding and five orders below what twins with separate weights
        // would differ by (~0.1).
        const double twinTolerance = 1e-6;
        var (first, second) = siamese.Forward(x, x);
        Assert.True(first.allclose(second, rtol: 0, atol: twinTolerance), "twins share their weights");
        Assert.True(siamese.Distances(x, x).abs().max().item<float>() < 1e-5);
        var triplet = new TripletNetwork(network).Forward(x, x, randn(3, 1, 28, 28));
        Assert.True(triplet.Anchors.allclose(triplet.Positives, rtol: 0, atol: twinTolerance));
    }

    [Fact]
    public void The_SimSiam_head_has_a_predictor_and_an_ABN_is_refused()
    {
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("vit-small28", 28, 1, 32, ProjectionHead.SimSiam));
        Assert.True(network.HasPredictor);
        Assert.Contains("predictor.3.weight", network.state_dict().Keys);
        var ex = Assert.Throws<ArgumentException>(() => new EmbeddingNetwork(new EmbeddingNetworkConfig("abn-resnet18-small", 28, 1)));
        Assert.Contains("resnet18-small", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SiameseObjective.Contrastive)]
    [InlineData(SiameseObjective.Triplet)]
    public void A_supervised_run_resumes_to_exactly_the_same_weights(SiameseObjective objective)
    {
        var train = Synthetic(20, 1);
        var options = new SiameseTrainingOptions { Objective = objective, Epochs = 2, ClassesPerBatch = 3, ImagesPerClass = 4, Seed = 3 };
        string straight = Folder(), interrupted = Folder();
        try
        {
            Assert.Equal(TrainingOutcome.Finished, Train(straight, options, train, null));
            Assert.Equal(TrainingOutcome.Cancelled, Train(interrupted, options, train, 3));
            var midway = SiameseRunState.Load(interrupted);
            Assert.Equal((0, 3, 3L), (midway.Epoch, midway.Batch, midway.Step));
            Assert.Equal(TrainingOutcome.Finished, Train(interrupted, options, train, null));
            AssertSameWeights(straight, interrupted);
            var final = SiameseRunState.Load(interrupted);
            Assert.True(final.Finished);
            Assert.Equal(2, final.History.Count);
            Assert.Equal(SiameseRunState.Load(straight).History[1].Loss, final.History[1].Loss, 10);
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(interrupted, true);
        }
    }

    [Theory]
    [InlineData(SiameseObjective.SimSiam)]
    [InlineData(SiameseObjective.NTXent)]
    [InlineData(SiameseObjective.InfoNce)]
    public void Self_supervised_objectives_train_without_labels(SiameseObjective objective)
    {
        var train = Synthetic(10, 2);
        var options = new SiameseTrainingOptions { Objective = objective, Epochs = 1, BatchSize = 10, Seed = 4 };
        string folder = Folder();
        try
        {
            Assert.Equal(TrainingOutcome.Finished, Train(folder, options, train, null));
            var state = SiameseRunState.Load(folder);
            Assert.Single(state.History);
            Assert.True(double.IsFinite(state.History[0].Loss));
            if (objective == SiameseObjective.SimSiam)
            {
                Assert.InRange(state.History[0].Loss, -1, 1);
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Sgd_momentum_and_Nesterov_reach_the_optimiser_and_Nesterov_needs_sgd()
    {
        var train = Synthetic(20, 1);
        var nesterov = new SiameseTrainingOptions
        {
            Objective = SiameseObjective.Triplet, Epochs = 1, ClassesPerBatch = 3, ImagesPerClass = 4, Seed = 3,
            Optimizer = OptimizerKind.Sgd, Momentum = 0.8, Nesterov = true,
        };
        var passed = nesterov.ToOptimizerOptions();
        Assert.Equal((OptimizerKind.Sgd, 0.8, true), (passed.Optimizer, passed.Momentum, passed.Nesterov));
        string ahead = Folder(), classical = Folder(), refused = Folder();
        try
        {
            // The two momentum forms take different steps from the second step on, so their weights must differ.
            Assert.Equal(TrainingOutcome.Finished, Train(ahead, nesterov, train, null));
            Assert.Equal(TrainingOutcome.Finished, Train(classical, nesterov with { Nesterov = false }, train, null));
            var a = SafeTensors.Read(Path.Combine(ahead, SiameseTrainer.ModelFileName));
            var b = SafeTensors.Read(Path.Combine(classical, SiameseTrainer.ModelFileName));
            Assert.Contains(a.Keys, key => !a[key].allclose(b[key], rtol: 0, atol: 1e-6));
            Assert.True(SiameseRunState.Load(ahead).Options.Nesterov);

            foreach (var wrong in new[] { nesterov with { Optimizer = OptimizerKind.AdamW }, nesterov with { Momentum = 0 } })
            {
                var ex = Assert.Throws<ArgumentException>(() => Train(refused, wrong, train, null));
                Assert.Equal("options.Nesterov", ex.ParamName);
            }
            Assert.Equal("options.Momentum", Assert.Throws<ArgumentOutOfRangeException>(() => Train(refused, nesterov with { Momentum = 1.5 }, train, null)).ParamName);
        }
        finally
        {
            Directory.Delete(ahead, true);
            Directory.Delete(classical, true);
            Directory.Delete(refused, true);
        }
    }

    [Fact]
    public void A_classifier_run_folder_is_not_mistaken_for_a_Siamese_run()
    {
        string folder = Folder();
        try
        {
            File.WriteAllText(Path.Combine(folder, "state.json"), "{\"model\": \"seresnet18-small\"}");
            var ex = Assert.Throws<InvalidDataException>(() => SiameseRunState.Load(folder));
            Assert.Contains("not a Siamese run", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>Trains (or resumes) a resnet18-small run in <paramref name="folder"/>, cancelled after <paramref name="stopAfterBatches"/> batches when given.</summary>
    internal static TrainingOutcome Train(string folder, SiameseTrainingOptions options, ImageDataset train, int? stopAfterBatches,
        Action<SiameseProgress>? progress = null)
    {
        manual_seed(options.Seed);
        var head = options.Objective switch
        {
            SiameseObjective.SimSiam => ProjectionHead.SimSiam,
            SiameseObjective.NTXent or SiameseObjective.InfoNce => ProjectionHead.Mlp,
            _ => ProjectionHead.Linear,
        };
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("resnet18-small", 28, 1, 32, head));
        var state = SiameseRunState.Exists(folder)
            ? SiameseRunState.Load(folder)
            : new SiameseRunState
            {
                Network = network.Config, Data = "synthetic", ClassNames = train.ClassNames, Mean = [0.3f], Std = [0.3f], Options = options,
            };
        using var cancel = new CancellationTokenSource();
        var trainer = new SiameseTrainer(network, state, folder);
        int batches = 0;
        trainer.OnProgress = report =>
        {
            progress?.Invoke(report);
            if (++batches == stopAfterBatches)
            {
                cancel.Cancel();
            }
        };
        return trainer.Run(train, cancel.Token);
    }

    private static void AssertSameWeights(string first, string second)
    {
        var a = SafeTensors.Read(Path.Combine(first, SiameseTrainer.ModelFileName));
        var b = SafeTensors.Read(Path.Combine(second, SiameseTrainer.ModelFileName));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys)
        {
            Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{key} differs after resume");
        }
    }

    private static string Folder() => Directory.CreateTempSubdirectory("manabi-siamese-test-").FullName;
}

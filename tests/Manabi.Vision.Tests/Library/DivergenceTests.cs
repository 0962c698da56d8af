using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Siamese;
using Manabi.Vision.Tests.Siamese;
using Manabi.Vision.Training;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests.Library;

/// <summary>
/// A training whose loss becomes NaN or infinite stops with <see cref="TrainingDivergedException"/> and saves no
/// non-finite weights (a NaN checkpoint would silently poison every later evaluation and resume).
/// </summary>
public sealed class DivergenceTests
{
    public DivergenceTests() => TorchRuntime.EnsureLoaded();

    // A learning rate this large makes the weights overflow float32 within a few steps, so the loss cannot stay finite.
    private const double Explosive = 1e30;

    [Fact]
    public void A_diverging_classifier_run_stops_with_a_clear_error_and_keeps_no_NaN_weights()
    {
        string folder = Directory.CreateTempSubdirectory("manabi-diverge-").FullName;
        try
        {
            manual_seed(5);
            using var model = VisionModels.Create("resnet18-small", classes: 3);
            var data = Synthetic(perClass: 16);
            var state = new TrainingState
            {
                Model = "resnet18-small", Classes = 3, ImageSize = 28, Channels = 1, ClassNames = data.ClassNames,
                Data = "synthetic", Mean = [0.3f], Std = [0.3f],
                Options = new TrainingOptions { Epochs = 2, BatchSize = 8, LearningRate = Explosive, WarmupEpochs = 0, GradientClip = 0, Seed = 5 },
            };
            var trainer = new Trainer(model, state, folder);
            var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Run(data, data, CancellationToken.None));
            Assert.False(double.IsFinite(ex.Loss), ex.Message);
            Assert.Equal(1, ex.Epoch);
            Assert.Contains("lower the learning rate", ex.Message, StringComparison.Ordinal);
            AssertNoNonFiniteWeights(Path.Combine(folder, TrainingState.ModelFileName));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData(SiameseObjective.Contrastive)]
    [InlineData(SiameseObjective.NTXent)]
    public void A_diverging_Siamese_run_stops_with_a_clear_error_and_keeps_no_NaN_weights(SiameseObjective objective)
    {
        string folder = Directory.CreateTempSubdirectory("manabi-diverge-").FullName;
        try
        {
            manual_seed(6);
            var head = objective == SiameseObjective.NTXent ? ProjectionHead.Mlp : ProjectionHead.Linear;
            using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("resnet18-small", 28, 1, 32, head));
            var data = Synthetic(perClass: 16);
            var options = new SiameseTrainingOptions
            {
                Objective = objective, Epochs = 2, BatchSize = 12, ClassesPerBatch = 3, ImagesPerClass = 4,
                LearningRate = Explosive, WarmupFraction = 0, GradientClip = 0, Seed = 6,
            };
            var state = new SiameseRunState
            {
                Network = network.Config, Data = "synthetic", ClassNames = data.ClassNames, Mean = [0.3f], Std = [0.3f], Options = options,
            };
            var trainer = new SiameseTrainer(network, state, folder);
            var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Run(data, CancellationToken.None));
            Assert.False(double.IsFinite(ex.Loss), ex.Message);
            AssertNoNonFiniteWeights(Path.Combine(folder, SiameseTrainer.ModelFileName));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>Either no checkpoint was written, or every tensor in it is finite.</summary>
    private static void AssertNoNonFiniteWeights(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }
        foreach (var (name, tensor) in SafeTensors.Read(path))
        {
            if (tensor.is_floating_point())
            {
                Assert.True(tensor.isfinite().all().item<bool>(), $"{name} holds non-finite values in {path}");
            }
        }
    }

    /// <summary>The Siamese tests' three synthetic classes (a bright square in a class-specific corner over noise).</summary>
    private static ImageDataset Synthetic(int perClass) => SiameseTrainingTests.Synthetic(perClass, seed: 7);
}

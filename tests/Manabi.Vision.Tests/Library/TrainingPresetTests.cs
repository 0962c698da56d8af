using Manabi.Torch.Training;
using Manabi.Vision.Siamese;
using Manabi.Vision.Training;

namespace Manabi.Vision.Tests.Library;

public sealed class TrainingPresetTests
{
    [Theory]
    [InlineData(SiameseObjective.Triplet, 0.2)]
    [InlineData(SiameseObjective.Contrastive, 0.5)]
    [InlineData(SiameseObjective.NTXent, 0.5)]
    public void The_margin_follows_the_objective_unless_set(SiameseObjective objective, double expected)
    {
        Assert.Equal(expected, SiameseTrainingOptions.ForObjective(objective).Margin);
        Assert.Equal(expected, new SiameseTrainingOptions { Objective = objective }.Margin);
        Assert.Equal(0.3, new SiameseTrainingOptions { Margin = 0.3, Objective = objective }.Margin);
    }

    [Fact]
    public void Siamese_learning_rate_and_weight_decay_follow_the_optimiser()
    {
        var sgd = SiameseTrainingOptions.ForObjective(SiameseObjective.Triplet, OptimizerKind.Sgd);
        Assert.Equal((0.05, 5e-4), (sgd.LearningRate, sgd.WeightDecay));
        var adamw = new SiameseTrainingOptions();
        Assert.Equal((1e-3, 1e-4), (adamw.LearningRate, adamw.WeightDecay));
        Assert.Equal(0.01, (sgd with { LearningRate = 0.01 }).LearningRate);
    }

    [Fact]
    public void Classifier_presets_follow_the_optimiser_and_the_model()
    {
        var sgd = new TrainingOptions { Optimizer = OptimizerKind.Sgd };
        Assert.Equal((0.1, 5e-4), (sgd.LearningRate, sgd.WeightDecay));
        Assert.Equal((2e-3, 0.05), (new TrainingOptions().LearningRate, new TrainingOptions().WeightDecay));
        Assert.Equal(1e-3, TrainingPresets.ForModel("vit-small28", 28).LearningRate, 12);
        Assert.Equal(0.1, TrainingPresets.ForModel("vit-small28", 28, OptimizerKind.Sgd).LearningRate);
        static (double Rate, int Batch) RateAndBatch(string model, OptimizerKind optimizer = OptimizerKind.AdamW)
        {
            var preset = TrainingPresets.ForModel(model, 28, optimizer);
            return (preset.LearningRate, preset.BatchSize);
        }
        Assert.Equal((4e-3, 64), RateAndBatch("seresnet18-small"));
        Assert.Equal((4e-3, 64), RateAndBatch("resnet18-tiny"));
        Assert.Equal((0.1, 128), RateAndBatch("resnet18-small", OptimizerKind.Sgd));
        Assert.Equal((2e-3, 128), RateAndBatch("abn-resnet18-small"));
        Assert.Equal(128, TrainingPresets.ForModel("vit-small28", 28).BatchSize);
        Assert.Equal(2, TrainingPresets.ForModel("resnet18-small", 28).CropPadding);
        Assert.Equal(1, TrainingPresets.ForModel("resnet18-small", 8).CropPadding);
        Assert.Throws<ArgumentException>(() => TrainingPresets.ForModel("resnet19", 28));
    }

    [Fact]
    public void The_preset_network_follows_the_objective()
    {
        var simsiam = EmbeddingNetworkConfig.ForObjective("resnet18-small", 28, 1, SiameseObjective.SimSiam);
        Assert.Equal((256, ProjectionHead.SimSiam), (simsiam.EmbeddingDimension, simsiam.Head));
        Assert.Equal(ProjectionHead.Mlp, EmbeddingNetworkConfig.ForObjective("resnet18-small", 28, 1, SiameseObjective.NTXent).Head);
        var triplet = EmbeddingNetworkConfig.ForObjective("resnet18-small", 28, 1, SiameseObjective.Triplet, 16);
        Assert.Equal((16, ProjectionHead.Linear), (triplet.EmbeddingDimension, triplet.Head));
    }
}

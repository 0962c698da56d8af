using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Models;
using Manabi.Vision.Training;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

/// <summary>Issue 21's ViT recipe options: stochastic depth as a model option, and the convolutional stem.</summary>
public sealed class VisionTransformerRecipeTests
{
    [Fact]
    public void Drop_path_changes_only_training_outputs()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var plain = VisionModels.Create("vit-small28-p7");
        using var dropping = VisionModels.Create("vit-small28-p7", dropPath: 0.5);
        // Drop path adds no weights, so the same weights load into both.
        Assert.Equal(StateDicts.ParameterCount(plain), StateDicts.ParameterCount(dropping));
        Assert.Equal(StateDicts.KeyShapes(plain).Keys.Order(), StateDicts.KeyShapes(dropping).Keys.Order());
        StateDicts.LoadStrict(dropping, plain.state_dict());
        Assert.Equal(0.5, ((VisionTransformer)dropping).Config.DropPath);
        var x = randn(4, 1, 28, 28);

        plain.eval();
        dropping.eval();
        using (no_grad())
        {
            var reference = plain.call(x);
            Assert.True(reference.Equals(dropping.call(x)), "evaluation with drop path differs from rate 0");
            Assert.True(reference.Equals(dropping.call(x)), "evaluation with drop path is not deterministic");

            // Training mode: rate 0 is deterministic (no dropout), rate 0.5 drops blocks per sample at random.
            plain.train();
            dropping.train();
            Assert.True(plain.call(x).Equals(plain.call(x)));
            Assert.False(dropping.call(x).Equals(dropping.call(x)), "training outputs with drop path did not change between calls");
        }
    }

    [Theory]
    [InlineData("resnet18-tiny", 0.1)]
    [InlineData("vit-small28", 1.0)]
    [InlineData("vit-small28", -0.1)]
    [InlineData("vit-small28", double.NaN)]
    public void Drop_path_is_refused_for_convolutional_models_and_outside_0_to_1(string name, double rate)
    {
        TorchRuntime.EnsureLoaded();
        var ex = Assert.ThrowsAny<ArgumentException>(() => VisionModels.Create(name, device: META, dropPath: rate));
        Assert.Contains("drop", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_conv_stem_vit_keeps_the_patch_grid_and_names_its_stem_under_patch_embed()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = VisionModels.Create("vit-small28-conv");
        var config = ((VisionTransformer)model).Config;
        Assert.True(config.ConvStem);
        Assert.Equal((4, 192, 6, 3), (config.PatchSize, config.EmbedDim, config.Depth, config.Heads));
        var keys = StateDicts.KeyShapes(model);
        // Two 3×3 stride-2 conv-BN-ReLU (1 → 96 → 192), then the 1×1 projection; the transformer is vit-small28's.
        Assert.Equal([96L, 1, 3, 3], keys["patch_embed.stem.0.weight"]);
        Assert.Equal([96L], keys["patch_embed.stem.1.weight"]);
        Assert.Equal([192L, 96, 3, 3], keys["patch_embed.stem.3.weight"]);
        Assert.Equal([192L], keys["patch_embed.stem.4.running_mean"]);
        Assert.Equal([192L, 192, 1, 1], keys["patch_embed.proj.weight"]);
        Assert.Equal([1L, 50, 192], keys["pos_embed"]);
        using var patchify = VisionModels.Create("vit-small28", device: META);
        var patchifyKeys = StateDicts.KeyShapes(patchify);
        Assert.Equal(patchifyKeys.Keys.Where(k => !k.StartsWith("patch_embed.", StringComparison.Ordinal)).Order(),
            keys.Keys.Where(k => !k.StartsWith("patch_embed.", StringComparison.Ordinal)).Order());

        // Stem parameters: 96·9 + 2·96 + 192·96·9 + 2·192 + 192·192 + 192 = 204,384 instead of 192·16 + 192 = 3,264.
        Assert.Equal(VisionModels.ParameterCount("vit-small28") + 204_384 - 3_264, VisionModels.ParameterCount("vit-small28-conv"));
        Assert.Equal(StateDicts.ParameterCount(model), VisionModels.ParameterCount("vit-small28-conv"));

        model.eval();
        using (no_grad())
        {
            var x = randn(3, 1, 28, 28);
            Assert.Equal([3L, 10], model.call(x).shape);
            Assert.Equal([3L, 50, 192], ((IVisionModel)model).ForwardFeatures(x).shape);
        }
    }

    [Fact]
    public void The_conv_stem_vit_trains_a_step()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = VisionModels.Create("vit-small28-conv", dropPath: 0.1);
        model.train();
        var optimizer = new Optimizer(model, new TrainingOptions { LearningRate = 1e-3 });
        var x = randn(8, 1, 28, 28);
        var labels = randint(0, 10, [8], dtype: ScalarType.Int64);
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        for (int step = 0; step < 2; step++)
        {
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.call(x), labels);
            Assert.True(double.IsFinite(loss.item<float>()));
            loss.backward();
            optimizer.Step(1e-3);
        }
        var after = model.state_dict();
        // The stem's convolutions and the BatchNorm statistics moved with training.
        Assert.False(before["patch_embed.stem.0.weight"].Equals(after["patch_embed.stem.0.weight"]));
        Assert.False(before["patch_embed.stem.1.running_mean"].Equals(after["patch_embed.stem.1.running_mean"]));
        Assert.False(before["patch_embed.proj.weight"].Equals(after["patch_embed.proj.weight"]));
        Assert.True(after.Values.All(t => t.isfinite().all().item<bool>()));
    }

    [Fact]
    public void The_conv_stem_needs_a_power_of_two_patch()
    {
        TorchRuntime.EnsureLoaded();
        var config = new VisionTransformerConfig("conv-p7", 28, 7, 1, 10, 192, 1, 3) { ConvStem = true };
        var ex = Assert.Throws<ArgumentException>(() => new VisionTransformer(config, META));
        Assert.Contains("power of two", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.25, null)]
    [InlineData(1.5, "drop_path")]
    [InlineData(-0.5, "drop_path")]
    public void A_state_records_its_drop_path_and_refuses_one_outside_0_to_1(double rate, string? error)
    {
        string folder = Directory.CreateTempSubdirectory("manabi-droppath-").FullName;
        try
        {
            new TrainingState
            {
                Model = "vit-small28", Classes = 10, ImageSize = 28, Channels = 1, ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")],
                Data = "fashion-mnist", Mean = [0.286f], Std = [0.353f], Options = new TrainingOptions(), DropPath = rate,
            }.Save(folder);
            if (error is null)
            {
                Assert.Equal(rate, TrainingState.Load(folder).DropPath);
            }
            else
            {
                var ex = Assert.Throws<InvalidDataException>(() => TrainingState.Load(folder));
                Assert.Contains(error, ex.Message, StringComparison.Ordinal);
                Assert.Contains(TrainingState.FileName, ex.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}

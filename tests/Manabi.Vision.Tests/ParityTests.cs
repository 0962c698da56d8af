using Manabi.Torch.Layers;
using Manabi.Vision.Models;
using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using Manabi.TestSupport;
using Manabi.TorchTestSupport;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

public sealed class ParityTests
{
    [Fact]
    public void Timm_SEModule_matches_the_golden_to_1e_6()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var se = SqueezeExcitation.Timm(64);
        Assert.Equal(8, se.ReducedChannels);
        StateDicts.LoadStrict(se, SafeTensors.Read(Fixtures.Path("vision", "timm-se64.safetensors")));
        var golden = VisionGolden.Get("timm_SEModule_64_r16");
        var output = se.call(VisionGolden.ToTensor(golden.GetProperty("input")));
        Assert.True(TensorDifference.MaxAbs(output, VisionGolden.ToTensor(golden.GetProperty("output"))) <= 1e-6);
    }

    [Fact]
    public void Torchvision_SqueezeExcitation_matches_the_golden_to_1e_6()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var se = SqueezeExcitation.Torchvision(64, 16);
        StateDicts.LoadStrict(se, SafeTensors.Read(Fixtures.Path("vision", "torchvision-se64.safetensors")));
        var golden = VisionGolden.Get("torchvision_SqueezeExcitation_64_16");
        var output = se.call(VisionGolden.ToTensor(golden.GetProperty("input")));
        Assert.True(TensorDifference.MaxAbs(output, VisionGolden.ToTensor(golden.GetProperty("output"))) <= 1e-6);
    }

    private static VisionTransformer LoadVit28()
    {
        var config = new VisionTransformerConfig("vit28", 28, 7, 1, 10, 64, 2, 4);
        var model = new VisionTransformer(config);
        model.LoadTimmStateDict(SafeTensors.Read(Fixtures.Path("vision", "vit28-timm.safetensors")));
        model.eval();
        return model;
    }

    [Fact]
    public void ViT28_logits_and_class_token_features_match_timm_to_1e_5()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = LoadVit28();
        var golden = VisionGolden.Get("vit28");
        var input = VisionGolden.ToTensor(golden.GetProperty("input"));
        using var noGrad = no_grad();
        var features = model.ForwardFeatures(input);
        double featureError = TensorDifference.MaxAbs(features[.., 0], VisionGolden.ToTensor(golden.GetProperty("features_cls")));
        double logitError = TensorDifference.MaxAbs(model.call(input), VisionGolden.ToTensor(golden.GetProperty("logits")));
        Assert.True(featureError <= 1e-5, $"class-token features differ by {featureError}");
        Assert.True(logitError <= 1e-5, $"logits differ by {logitError}");
    }

    [Fact]
    public void The_explicit_attention_path_gives_the_same_features_as_the_fused_kernel()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = LoadVit28();
        var input = VisionGolden.ToTensor(VisionGolden.Get("vit28").GetProperty("input"));
        using var noGrad = no_grad();
        var (tokens, attentions) = model.ForwardFeaturesWithAttention(input);
        Assert.True(TensorDifference.MaxAbs(tokens, model.ForwardFeatures(input)) <= 1e-5);
        Assert.Equal(2, attentions.Count);
        Assert.Equal([2L, 4L, 17L, 17L], attentions[0].shape);
        Assert.True(TensorDifference.MaxAbs(attentions[0].sum(-1), ones(2, 4, 17)) <= 1e-5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Position_embedding_resampling_matches_timm(bool antialias)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var weights = SafeTensors.Read(Fixtures.Path("vision", "vit28-timm.safetensors"));
        var resampled = VisionTransformer.ResamplePositionEmbedding(weights["pos_embed"], 6, 6, 1, antialias);
        var expected = VisionGolden.ToTensor(VisionGolden.Get($"pos_embed_4x4_to_6x6_bicubic_antialias_{(antialias ? "True" : "False")}"));
        Assert.Equal(expected.shape, resampled.shape);
        double error = TensorDifference.MaxAbs(resampled, expected);
        Assert.True(error <= 1e-6, $"resampled position embedding differs by {error}");
    }

    [Fact]
    public void Timm_weights_for_another_grid_load_with_a_resampled_position_embedding()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(new VisionTransformerConfig("vit42", 42, 7, 1, 10, 64, 2, 4));
        var weights = SafeTensors.Read(Fixtures.Path("vision", "vit28-timm.safetensors"));
        model.LoadTimmStateDict(weights);
        var expected = VisionGolden.ToTensor(VisionGolden.Get("pos_embed_4x4_to_6x6_bicubic_antialias_True"));
        Assert.True(TensorDifference.MaxAbs(model.PositionEmbedding, expected) <= 1e-6);
    }

    [Fact]
    public void Attention_rollout_gives_one_normalised_map_per_image()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = LoadVit28();
        var input = VisionGolden.ToTensor(VisionGolden.Get("vit28").GetProperty("input"));
        var map = model.AttentionRollout(input);
        Assert.Equal([2L, 4L, 4L], map.shape);
        Assert.True(map.min().item<float>() >= 0);
        Assert.Equal(1f, map.amax([1, 2])[0].item<float>(), 5);

        // Rollout by hand: row-normalised (A + I)/2, multiplied first block to last.
        using var noGrad = no_grad();
        var (_, attentions) = model.ForwardFeaturesWithAttention(input);
        var a0 = (attentions[0].mean([1]) + eye(17)) / 2;
        var a1 = (attentions[1].mean([1]) + eye(17)) / 2;
        a0 /= a0.sum(-1, keepdim: true);
        a1 /= a1.sum(-1, keepdim: true);
        var row = a1.matmul(a0)[.., 0, 1..].reshape(2, 4, 4);
        row /= row.amax([1, 2], keepdim: true);
        Assert.True(TensorDifference.MaxAbs(row, map) <= 1e-6);
    }

    [Fact]
    public void SafeTensors_round_trips_names_dtypes_and_values()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"manabi-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            var tensors = new Dictionary<string, Tensor>
            {
                ["a.weight"] = randn(3, 4),
                ["b"] = arange(5, dtype: ScalarType.Int64),
                ["scalar"] = tensor(2.5),
            };
            SafeTensors.Write(path, tensors);
            var read = SafeTensors.Read(path);
            Assert.Equal(tensors.Keys.Order(), read.Keys.Order());
            foreach (var (key, value) in tensors)
            {
                Assert.Equal(value.dtype, read[key].dtype);
                Assert.True(value.eq(read[key]).all().item<bool>(), key);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Weights_for_another_model_are_refused_with_the_differences()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var se = SqueezeExcitation.Timm(32);
        var error = Assert.Throws<ArgumentException>(() => StateDicts.LoadStrict(se, SafeTensors.Read(Fixtures.Path("vision", "timm-se64.safetensors"))));
        Assert.Contains("fc1.weight", error.Message, StringComparison.Ordinal);
    }
}

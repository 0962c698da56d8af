using Manabi.Torch.Layers;
using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using Manabi.Vision.Models;
using Manabi.Vision.Weights;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

public sealed class ModelSpecTests
{
    public static TheoryData<string> TimmAndTorchvisionResNetSpecs() =>
        new(VisionGolden.SpecNames.Where(n => n.StartsWith("timm/", StringComparison.Ordinal) || n.StartsWith("torchvision/resnet", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(TimmAndTorchvisionResNetSpecs))]
    public void State_dict_keys_shapes_and_parameter_count_equal_the_reference(string spec)
    {
        TorchRuntime.EnsureLoaded();
        var expected = VisionGolden.Spec(spec);
        var expectedKeys = expected.GetProperty("state_dict").EnumerateArray()
            .ToDictionary(e => e[0].GetString()!, e => e[1].EnumerateArray().Select(d => d.GetInt64()).ToArray());
        string name = spec[(spec.IndexOf('/', StringComparison.Ordinal) + 1)..];
        // timm's vit_huge_patch14_224 is the ImageNet-21k backbone without a classifier.
        int? classes = expectedKeys.ContainsKey("head.weight") || expectedKeys.ContainsKey("fc.weight") ? null : 0;
        using var model = VisionModels.Create(name, classes: classes, device: META);
        var actual = StateDicts.KeyShapes(model);

        var missing = expectedKeys.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expectedKeys.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"{spec}: missing [{string.Join(", ", missing.Take(10))}], extra [{string.Join(", ", extra.Take(10))}]");
        foreach (var (key, shape) in expectedKeys)
        {
            Assert.True(shape.SequenceEqual(actual[key]), $"{spec}: {key} is [{string.Join(",", actual[key])}], expected [{string.Join(",", shape)}]");
        }
        Assert.Equal(expected.GetProperty("params").GetInt64(), StateDicts.ParameterCount(model));
    }

    [Theory]
    [InlineData("resnet18", 11_689_512L)]
    [InlineData("seresnet18", 11_779_624L)]
    [InlineData("resnet50", 25_557_032L)]
    [InlineData("seresnet50", 28_088_024L)]
    [InlineData("ViT-Ti/16", 5_717_416L)]
    [InlineData("vit_small_patch16_224", 22_050_664L)]
    [InlineData("ViT-B/16", 86_567_656L)]
    [InlineData("ViT-B/32", 88_224_232L)]
    [InlineData("vit_large_patch16_224", 304_326_632L)]
    [InlineData("ViT-H/14", 632_045_800L)]
    public void Parameter_counts_at_1000_classes_equal_the_issue(string name, long expected)
    {
        Assert.Equal(expected, VisionModels.ParameterCount(name, classes: 1000));
    }

    [Theory]
    [InlineData("ViT-L/16", 1024, 24, 16, 16, 224)]
    [InlineData("vit_base_patch16_224", 768, 12, 12, 16, 224)]
    [InlineData("vit_huge_patch14_224", 1280, 32, 16, 14, 224)]
    [InlineData("ViT-Ti/32", 192, 12, 3, 32, 224)]
    [InlineData("vit_small_patch16_384", 384, 12, 6, 16, 384)]
    public void ViT_names_parse_to_their_configuration(string name, int width, int depth, int heads, int patch, int image)
    {
        var config = VisionTransformerConfig.Parse(name);
        Assert.Equal((width, depth, heads, patch, image), (config.EmbedDim, config.Depth, config.Heads, config.PatchSize, config.ImageSize));
    }

    [Fact]
    public void An_unknown_model_name_lists_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => VisionModels.Get("resnet19"));
        Assert.Contains("resnet19", error.Message, StringComparison.Ordinal);
        Assert.Contains("seresnet18-small", error.Message, StringComparison.Ordinal);
        Assert.Contains("ViT-L/16", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resnet18-small")]
    [InlineData("seresnet18-small")]
    [InlineData("abn-seresnet18-small")]
    [InlineData("seresnet18-tiny")]
    [InlineData("vit-small28")]
    public void Small_models_classify_28x28_single_channel_images(string name)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = VisionModels.Create(name);
        model.eval();
        var logits = model.call(randn(3, 1, 28, 28));
        Assert.Equal([3L, 10L], logits.shape);
        Assert.True(logits.isfinite().all().item<bool>(), $"{name} logits: {string.Join(", ", logits.data<float>().ToArray())}");
    }

    [Fact]
    public void SE_adds_exactly_the_excitation_parameters_to_the_small_ResNet()
    {
        long plain = VisionModels.ParameterCount("resnet18-small");
        long se = VisionModels.ParameterCount("seresnet18-small");
        // Stage widths 32, 64, 128, 256 with two blocks each; the bottleneck is make_divisible(c/16, 8).
        long expected = 0;
        foreach (long c in new long[] { 32, 64, 128, 256 })
        {
            long r = SqueezeExcitation.MakeDivisible(c / 16.0, 8, roundLimit: 0);
            expected += 2 * (c * r + r + r * c + c);
        }
        Assert.Equal(expected, se - plain);
    }

    [Fact]
    public void Tiny_ResNets_have_quarter_width_stages_and_the_same_keys_as_the_small_ones()
    {
        TorchRuntime.EnsureLoaded();
        using var tiny = VisionModels.Create("seresnet18-tiny", device: META);
        using var small = VisionModels.Create("seresnet18-small", device: META);
        var tinyShapes = StateDicts.KeyShapes(tiny);
        Assert.Equal(StateDicts.KeyShapes(small).Keys.Order(), tinyShapes.Keys.Order());
        Assert.Equal([16L, 1, 3, 3], tinyShapes["conv1.weight"]);
        Assert.Equal([16L, 16, 3, 3], tinyShapes["layer1.0.conv1.weight"]);
        Assert.Equal([128L, 128, 3, 3], tinyShapes["layer4.1.conv2.weight"]);
        Assert.Equal([8L, 128, 1, 1], tinyShapes["layer4.1.se.fc1.weight"]);
        Assert.Equal([10L, 128], tinyShapes["fc.weight"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(21)]
    [InlineData(25)]
    [InlineData(35)]
    public void ViT_initialisation_is_finite_for_seeds_where_native_trunc_normal_was_not(int seed)
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(seed);
        using var scope = NewDisposeScope();
        using var model = VisionModels.Create("vit-small28");
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.True(parameter.isfinite().all().item<bool>(), $"seed {seed}: {name} has non-finite values");
        }
        // std 0.02 as timm: the sample standard deviation of a large weight is close to it.
        var qkv = model.named_parameters().First(p => p.name == "blocks.0.attn.qkv.weight").parameter;
        Assert.InRange(qkv.std().item<float>(), 0.019, 0.021);
    }
}

public sealed class KeyMapperTests
{
    [Theory]
    [InlineData("torchvision/vit_b_16", "ViT-B/16")]
    [InlineData("torchvision/vit_l_16", "ViT-L/16")]
    [InlineData("torchvision/vit_h_14", "ViT-H/14")]
    [InlineData("transformers/ViTForImageClassification-B16", "ViT-B/16")]
    public void Other_layouts_map_onto_exactly_the_timm_keys_and_shapes(string spec, string model)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var source = VisionGolden.Spec(spec).GetProperty("state_dict").EnumerateArray()
            .ToDictionary(e => e[0].GetString()!, e => empty(e[1].EnumerateArray().Select(d => d.GetInt64()).ToArray(), device: META));
        var mapped = spec.StartsWith("torchvision", StringComparison.Ordinal)
            ? VisionTransformerKeys.FromTorchvision(source)
            : VisionTransformerKeys.FromTransformers(source);
        using var vit = VisionModels.Create(model, device: META);
        var expected = StateDicts.KeyShapes(vit);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), mapped.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
        {
            Assert.True(shape.SequenceEqual(mapped[key].shape), $"{key}: [{string.Join(",", mapped[key].shape)}] vs [{string.Join(",", shape)}]");
        }
    }

    [Fact]
    public void Hugging_Face_q_k_v_are_concatenated_in_that_order()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var source = new Dictionary<string, Tensor>
        {
            ["vit.layers.0.attention.q_proj.weight"] = full(2, 2, 1f),
            ["vit.layers.0.attention.k_proj.weight"] = full(2, 2, 2f),
            ["vit.layers.0.attention.v_proj.weight"] = full(2, 2, 3f),
        };
        var qkv = VisionTransformerKeys.FromTransformers(source)["blocks.0.attn.qkv.weight"];
        Assert.Equal([1f, 1f, 1f, 1f, 2f, 2f, 2f, 2f, 3f, 3f, 3f, 3f], qkv.data<float>().ToArray());
    }
}

using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using Manabi.TorchTestSupport;
using Manabi.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

/// <summary>timm's model contract (<see cref="IVisionModel"/>) and preprocessing config over every entry of the registry.</summary>
public sealed class ModelContractTests
{
    /// <summary>
    /// Every registry entry with the image side it is run at: the 28×28 models at their own size; the ImageNet
    /// ResNets at 64 px and the ImageNet ViTs at two patches per side (their position embedding built for that
    /// grid), because their 224-px forwards are too slow for a CPU test run. The reason is part of the test's name.
    /// </summary>
    public static TheoryData<string, int, string> Entries()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var info in VisionModels.All)
        {
            if (info.ImageSize <= 32)
            {
                data.Add(info.Name, info.ImageSize, "registry size");
            }
            else
            {
                int size = info.Family == VisionModelFamily.VisionTransformer ? 2 * VisionTransformerConfig.Parse(info.Name).PatchSize : 64;
                data.Add(info.Name, size, $"reduced from {info.ImageSize} px for CPU");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Every_registry_model_keeps_timms_contract(string name, int imageSize, string size)
    {
        Assert.False(string.IsNullOrEmpty(size));
        TorchRuntime.EnsureLoaded();
        manual_seed(1);
        var info = VisionModels.Get(name);
        using var scope = NewDisposeScope();
        using var module = VisionModels.Create(name, imageSize: imageSize);
        module.eval();
        var model = Assert.IsAssignableFrom<IVisionModel>(module);
        bool vit = info.Family == VisionModelFamily.VisionTransformer;
        long batch = info.ImageSize <= 32 ? 2 : 1;
        var x = randn(batch, info.Channels, imageSize, imageSize);
        using var noGrad = no_grad();

        // forward_features is unpooled: maps after the last stage, or every token after the final norm.
        var features = model.ForwardFeatures(x);
        var last = model.FeatureInfo[^1];
        long[] expectedFeatures = vit
            ? [batch, 1 + Side(imageSize, last.Reduction) * Side(imageSize, last.Reduction), model.NumFeatures]
            : [batch, model.NumFeatures, Side(imageSize, last.Reduction), Side(imageSize, last.Reduction)];
        Assert.Equal(expectedFeatures, features.shape);
        Assert.Equal(last.Channels, model.NumFeatures);

        // forward == forward_head(forward_features), bit for bit.
        var logits = module.call(x);
        Assert.Equal([batch, (long)info.Classes], logits.shape);
        Assert.Equal(info.Classes, model.NumClasses);
        Assert.True(logits.Equals(model.ForwardHead(features)), $"{name}: forward differs from ForwardHead(ForwardFeatures)");

        // Pre-logits are what the classifier reads.
        var preLogits = model.ForwardHead(features, preLogits: true);
        Assert.Equal([batch, model.NumFeatures], preLogits.shape);
        string headKey = vit ? "head.weight" : "fc.weight";
        var keys = StateDicts.KeyShapes(module);
        Assert.Equal([(long)info.Classes, model.NumFeatures], keys[headKey]);

        // forward_intermediates: every feature map with the shape feature_info gives, in order; subsets and stop_early.
        var all = model.ForwardIntermediates(x);
        Assert.Equal(model.FeatureInfo.Count, all.Count);
        for (int i = 0; i < all.Count; i++)
        {
            var f = model.FeatureInfo[i];
            Assert.Equal([batch, f.Channels, Side(imageSize, f.Reduction), Side(imageSize, f.Reduction)], all[i].shape);
        }
        var chosen = model.ForwardIntermediates(x, [-1, 1], stopEarly: true);
        Assert.Equal(2, chosen.Count);
        Assert.True(chosen[0].Equals(all[1]), $"{name}: intermediate 1 differs between calls");
        Assert.True(chosen[1].Equals(all[^1]), $"{name}: the last intermediate differs between calls");
        var early = model.ForwardIntermediates(x, [0], stopEarly: true);
        Assert.Single(early);
        Assert.True(early[0].Equals(all[0]));
        if (vit)
        {
            // The last block, normed, is forward_features without the class token.
            var normed = ((VisionTransformer)module).ForwardIntermediates(x, [-1], norm: true, stopEarly: false, IntermediateFormat.Nlc);
            Assert.True(normed[0].Equals(features[.., 1..]), $"{name}: the normed last block differs from ForwardFeatures");
        }
        else
        {
            Assert.True(all[^1].Equals(features), $"{name}: the last stage differs from ForwardFeatures");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardIntermediates(x, [model.FeatureInfo.Count]));

        // reset_classifier: a new width under the same keys; 0 makes forward the pre-logits.
        long parameters = StateDicts.ParameterCount(module);
        model.ResetClassifier(7);
        Assert.Equal(7, model.NumClasses);
        Assert.Equal([batch, 7], module.call(x).shape);
        var resetKeys = StateDicts.KeyShapes(module);
        Assert.Equal(keys.Keys, resetKeys.Keys);
        Assert.Equal([7L, model.NumFeatures], resetKeys[headKey]);
        model.ResetClassifier(0);
        Assert.Equal(0, model.NumClasses);
        var headless = module.call(x);
        Assert.True(headless.Equals(preLogits), $"{name}: a 0-class head does not give the pre-logits");
        Assert.DoesNotContain(headKey, StateDicts.KeyShapes(module).Keys);
        long classifier = info.Classes * model.NumFeatures + info.Classes;
        // ABN keeps att_conv2 from ResetClassifier(7): K×7 weights where there were K×K.
        long attentionHead = info.Family == VisionModelFamily.AttentionBranch ? (long)info.Classes * info.Classes - 7L * info.Classes : 0;
        Assert.Equal(parameters - classifier - attentionHead, StateDicts.ParameterCount(module));

        // The preprocessing config is present, matches the default input and makes images the model takes.
        var pre = info.Preprocessing;
        Assert.Equal((info.Channels, info.ImageSize, info.ImageSize), pre.InputSize);
        pre.Validate();
        var image = randint(0, 256, [3, 45, 60], dtype: ScalarType.Byte);
        var input = pre.WithInput(info.Channels, imageSize, imageSize).Preprocess(image);
        Assert.Equal([(long)info.Channels, imageSize, imageSize], input.shape);
        Assert.True(input.isfinite().all().item<bool>());
        Assert.Equal([1L, model.NumFeatures], module.call(input.unsqueeze(0)).shape);
    }

    // A stride-2 convolution with "same" padding rounds up.
    private static long Side(int imageSize, int reduction) => (imageSize + reduction - 1) / reduction;

    [Theory]
    [InlineData("resnet50", ImageInterpolation.Bilinear, 0.875, 0.485f, 0.229f)]
    [InlineData("seresnet18", ImageInterpolation.Bilinear, 0.875, 0.485f, 0.229f)]
    [InlineData("ViT-B/16", ImageInterpolation.Bicubic, 0.9, 0.5f, 0.5f)]
    [InlineData("vit_large_patch16_224", ImageInterpolation.Bicubic, 0.9, 0.5f, 0.5f)]
    [InlineData("vit_base_patch16_384", ImageInterpolation.Bicubic, 1.0, 0.5f, 0.5f)]
    [InlineData("seresnet18-small", ImageInterpolation.Bilinear, 1.0, VisionPreprocessing.FashionMnistMean, VisionPreprocessing.FashionMnistStd)]
    [InlineData("vit-small28", ImageInterpolation.Bilinear, 1.0, VisionPreprocessing.FashionMnistMean, VisionPreprocessing.FashionMnistStd)]
    public void Preprocessing_configs_are_timms_defaults_or_the_trainers_statistics(string name, ImageInterpolation interpolation, double cropPercent, float mean0, float std0)
    {
        var pre = VisionModels.Get(name).Preprocessing;
        Assert.Equal(interpolation, pre.Interpolation);
        Assert.Equal(cropPercent, pre.CropPercent);
        Assert.Equal(ImageCropMode.Center, pre.CropMode);
        Assert.Equal(mean0, pre.Mean[0]);
        Assert.Equal(std0, pre.Std[0]);
    }

    [Fact]
    public void Fashion_MNIST_statistics_are_the_trainers_to_four_places()
    {
        var path = Manabi.Vision.Data.FashionMnist.Locate();
        if (path is null)
        {
            // Without the data set the constants are checked against the published values only.
            Assert.Equal(0.2860f, VisionPreprocessing.FashionMnistMean);
            Assert.Equal(0.3530f, VisionPreprocessing.FashionMnistStd);
            return;
        }
        var (mean, std) = Manabi.Vision.Data.FashionMnist.Load(train: true, path).ChannelStatistics();
        Assert.Equal(VisionPreprocessing.FashionMnistMean, mean[0], 4);
        Assert.Equal(VisionPreprocessing.FashionMnistStd, std[0], 4);
    }

    [Fact]
    public void Preprocess_resizes_the_shorter_side_centre_crops_and_normalises_like_timm()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var pre = VisionPreprocessing.ResNetImageNet();
        // A uniform image stays uniform through resize and crop: each channel is (v/255 − mean)/std.
        var image = full([3, 300, 400], 128, dtype: ScalarType.Byte);
        var output = pre.Preprocess(image);
        Assert.Equal([3L, 224, 224], output.shape);
        for (int c = 0; c < 3; c++)
        {
            float expected = (128f / 255f - pre.Mean[c]) / pre.Std[c];
            Assert.True(TensorDifference.MaxAbs(output[c], full([224, 224], expected)) <= 1e-5, $"channel {c}");
        }

        // 300×400 → shorter side 256 (224 / 0.875), 256×341, then the centre 224×224: a centred square survives,
        // a stripe at the left edge is cropped away.
        var marked = zeros([1, 3, 300, 400]);
        marked[.., .., 100..200, 150..250] = tensor(1f);
        marked[.., .., .., 0..20] = tensor(1f);
        var crop = pre.Preprocess(marked);
        Assert.Equal([1L, 3, 224, 224], crop.shape);
        float low = (0f - pre.Mean[0]) / pre.Std[0], high = (1f - pre.Mean[0]) / pre.Std[0];
        Assert.Equal(high, crop[0, 0, 112, 112].item<float>(), 3);
        Assert.Equal(low, crop[0, 0, 112, 0].item<float>(), 3);

        // A colour image for a grey model becomes luma; a grey one for a colour model is repeated.
        var grey = VisionPreprocessing.FashionMnist();
        var rgb = stack([full([28, 28], 255, dtype: ScalarType.Byte), zeros([28, 28], dtype: ScalarType.Byte), zeros([28, 28], dtype: ScalarType.Byte)]);
        Assert.Equal((0.299f - grey.Mean[0]) / grey.Std[0], grey.Preprocess(rgb)[0, 0, 0].item<float>(), 4);
        Assert.Equal([3L, 224, 224], pre.Preprocess(full([1, 28, 28], 0.5f)).shape);
        Assert.Throws<ArgumentException>(() => pre.Preprocess(zeros([2, 28, 28])));
    }

    [Fact]
    public void ABN_reads_its_shared_features_through_ForwardIntermediates()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(2);
        using var scope = NewDisposeScope();
        using var abn = (AttentionBranchNetwork)VisionModels.Create("abn-seresnet18-small");
        abn.eval();
        using var noGrad = no_grad();
        var x = randn(2, 1, 28, 28);
        var output = abn.ForwardAll(x);
        Assert.True(output.PerceptionLogits.Equals(abn.call(x)));
        Assert.Equal([2L, 10], output.AttentionLogits.shape);
        Assert.Equal([2L, 1, 7, 7], output.AttentionMap.shape);
        abn.ResetClassifier(4);
        var reset = abn.ForwardAll(x);
        Assert.Equal([2L, 4], reset.AttentionLogits.shape);
        Assert.Equal([2L, 4], reset.PerceptionLogits.shape);
        // The attention map M(x) does not depend on the classifiers.
        Assert.True(reset.AttentionMap.Equals(output.AttentionMap));
    }

    [Fact]
    public void Class_activation_maps_read_the_unpooled_features()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(3);
        using var scope = NewDisposeScope();
        using var resnet = (ResNet)VisionModels.Create("resnet18-tiny");
        resnet.eval();
        var x = randn(2, 1, 28, 28);
        var (maps, predictions) = resnet.ClassActivationMap(x);
        Assert.Equal([2L, 4, 4], maps.shape);
        using var noGrad = no_grad();
        Assert.True(predictions.Equals(resnet.call(x).argmax(1)));
        resnet.ResetClassifier(0);
        Assert.Throws<InvalidOperationException>(() => resnet.ClassActivationMap(x));
    }
}

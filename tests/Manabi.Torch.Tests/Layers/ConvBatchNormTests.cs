using Manabi.Torch.Layers;
using Manabi.Torch.Runtime;
using TorchSharp;
using Manabi.TorchTestSupport;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Layers;

/// <summary>The evaluation-mode folding of BatchNorm into the preceding convolution.</summary>
public sealed class ConvBatchNormTests
{
    /// <summary>A convolution and a BatchNorm with non-trivial statistics, both in training or evaluation mode.</summary>
    private static (TorchSharp.Modules.Conv2d Conv, TorchSharp.Modules.BatchNorm2d Norm) Layers(bool convBias, bool training)
    {
        manual_seed(7);
        var conv = nn.Conv2d(5, 6, 3, stride: 2, padding: 1, bias: convBias);
        var norm = nn.BatchNorm2d(6, eps: 1e-3);
        using (no_grad())
        {
            // Non-trivial statistics and affine parameters, so that every term of the fold matters.
            norm.running_mean!.copy_(randn(6));
            norm.running_var!.copy_(rand(6) + 0.5);
            norm.weight!.copy_(randn(6));
            norm.bias!.copy_(randn(6));
        }
        conv.train(training);
        norm.train(training);
        return (conv, norm);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluation_mode_folds_to_the_same_function(bool convBias)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var (conv, norm) = Layers(convBias, training: false);
        var input = randn(4, 5, 9, 9);
        using var noGrad = no_grad();
        var expected = norm.call(conv.call(input));
        var folded = ConvBatchNorm.Forward(conv, norm, input);
        var sequential = ConvBatchNorm.Forward(nn.Sequential(conv, norm), input);
        Assert.Equal(expected.shape, folded.shape);
        Assert.True(TensorDifference.MaxAbs(folded, expected) <= 1e-5);
        Assert.True(TensorDifference.MaxAbs(sequential, expected) <= 1e-5);
    }

    [Fact]
    public void Training_mode_is_not_folded_and_still_updates_the_running_statistics()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var (conv, norm) = Layers(convBias: false, training: true);
        var before = norm.running_mean!.clone();
        var input = randn(4, 5, 9, 9);
        var output = ConvBatchNorm.Forward(conv, norm, input);
        // Batch statistics: every channel of the output has zero mean before the affine map, so mean = β.
        var channelMeans = output.mean([0, 2, 3]);
        Assert.True(TensorDifference.MaxAbs(channelMeans, norm.bias!) <= 1e-4);
        Assert.False(norm.running_mean!.allclose(before));
    }

    [Fact]
    public void Gradients_reach_the_input_through_the_folded_path()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var (conv, norm) = Layers(convBias: true, training: false);
        var input = randn(2, 5, 7, 7, requires_grad: true);
        ConvBatchNorm.Forward(conv, norm, input).sum().backward();
        var foldedGradient = input.grad!.clone();
        input.grad!.zero_();
        norm.call(conv.call(input)).sum().backward();
        Assert.True(TensorDifference.MaxAbs(foldedGradient, input.grad!) <= 1e-4);
    }
}

using Manabi.Torch.Layers;
using Manabi.Vision.Models;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using TorchSharp;
using Manabi.TorchTestSupport;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

/// <summary>The channels-last layout of the convolutional models: same function, same checkpoints, other strides.</summary>
public sealed class ChannelsLastTests
{
    [Theory]
    [InlineData("seresnet18-small")]
    [InlineData("abn-resnet18-small")]
    [InlineData("vit-small28-conv")]
    public void Convolutional_models_come_channels_last_and_compute_what_the_contiguous_ones_do(string name)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = VisionModels.Create(name);
        var convolutionWeights = model.named_parameters().Where(p => p.parameter.dim() == 4).ToList();
        Assert.NotEmpty(convolutionWeights);
        // The 1-channel stem's weight is both layouts at once; every wider one must have been restrided.
        Assert.All(convolutionWeights, p => Assert.True(ChannelsLast.Is(p.parameter), p.name));
        Assert.Contains(convolutionWeights, p => !p.parameter.is_contiguous());

        // A copy with ordinary contiguous weights: the same network in the NCHW layout.
        manual_seed(3);
        var reference = VisionModels.Create(name);
        using (no_grad())
        {
            foreach (var (key, parameter) in reference.named_parameters())
            {
                parameter.set_(parameter.detach().contiguous());
            }
        }
        Assert.All(reference.named_parameters().Where(p => p.parameter.dim() == 4), p => Assert.True(p.parameter.is_contiguous(), p.name));

        var input = randn(6, 1, 28, 28);
        model.train();
        reference.train();
        var output = model.call(input);
        var expected = reference.call(input);
        Assert.True(TensorDifference.MaxAbs(output, expected) <= 1e-4);
        output.square().sum().backward();
        expected.square().sum().backward();
        var gradients = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        foreach (var (key, parameter) in model.named_parameters())
        {
            // ABN's forward is its perception branch alone: the attention branch gets no gradient in either layout.
            if (gradients[key] is null)
            {
                Assert.Null(parameter.grad);
                continue;
            }
            double scale = Math.Max(1.0, gradients[key]!.abs().max().item<float>());
            Assert.True(TensorDifference.MaxAbs(parameter.grad!, gradients[key]!) <= 1e-3 * scale, key);
        }

        model.eval();
        reference.eval();
        using var noGrad = no_grad();
        Assert.True(TensorDifference.MaxAbs(model.call(input), reference.call(input)) <= 1e-4);
    }

    [Fact]
    public void Resumed_optimizer_moments_take_the_layout_of_their_weights()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        manual_seed(8);
        var model = VisionModels.Create("resnet18-small");
        var optimizer = new Optimizer(model, new TrainingOptions());
        nn.functional.cross_entropy(model.call(randn(4, 1, 28, 28)), randint(0, 10, [4])).backward();
        optimizer.Step(1e-3);
        // As a checkpoint holds them: contiguous copies.
        var saved = optimizer.StateDict().ToDictionary(p => p.Key, p => p.Value.contiguous());
        var resumed = new Optimizer(model, new TrainingOptions());
        resumed.LoadStateDict(saved);
        var state = resumed.StateDict();
        Assert.Equal(1, state["__steps__"].item<long>());
        var moment = state["layer2.0.conv1.weight.exp_avg"];
        Assert.True(ChannelsLast.Is(moment));
        Assert.True(moment.eq(saved["layer2.0.conv1.weight.exp_avg"]).all().item<bool>());
        Assert.True(state["fc.bias.exp_avg_sq"].eq(saved["fc.bias.exp_avg_sq"]).all().item<bool>());
    }

    [Fact]
    public void Checkpoints_are_written_contiguous_and_load_back_into_channels_last_weights()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        string folder = Directory.CreateTempSubdirectory("manabi-channels-last-").FullName;
        try
        {
            manual_seed(5);
            var model = VisionModels.Create("resnet18-small");
            var weights = model.state_dict();
            string path = Path.Combine(folder, "model.safetensors");
            SafeTensors.Write(path, weights);
            var read = SafeTensors.Read(path);
            Assert.All(read, pair => Assert.True(pair.Value.eq(weights[pair.Key]).all().item<bool>(), pair.Key));

            manual_seed(6);
            var other = VisionModels.Create("resnet18-small");
            StateDicts.LoadStrict(other, read);
            foreach (var (key, parameter) in other.named_parameters())
            {
                Assert.True(parameter.eq(weights[key]).all().item<bool>(), key);
                if (parameter.dim() == 4)
                {
                    Assert.True(ChannelsLast.Is(parameter), key);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

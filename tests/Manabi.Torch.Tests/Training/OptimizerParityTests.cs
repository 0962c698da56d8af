using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Training;

/// <summary>
/// <see cref="Optimizer"/> steps as PyTorch's optimisers do. The reference is TorchSharp's port of
/// <c>torch.optim.AdamW</c> and <c>torch.optim.SGD</c>, given the same two parameter groups (weights decayed, biases
/// not) and the same learning rate per step; after several steps at changing rates both copies of a model must agree.
/// </summary>
public sealed class OptimizerParityTests
{
    private const int Steps = 6;

    private static nn.Module Model()
    {
        manual_seed(11);
        return nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3));
    }

    // A warm-up then a decay, so that a rate applied at the wrong step shows.
    private static double Rate(double peak, int step) => peak * (step < 2 ? (step + 1) / 2.0 : 1.0 / (step - 1));

    private static void Backward(nn.Module model, Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        var output = ((nn.Module<Tensor, Tensor>)model).forward(input);
        nn.functional.cross_entropy(output, target).backward();
    }

    private static void AssertSameParameters(nn.Module expected, nn.Module actual, nn.Module initial, string what)
    {
        var reference = expected.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var start = initial.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, value) in actual.named_parameters())
        {
            double difference = (value - reference[name]).abs().max().item<float>();
            Assert.True(difference < 1e-6, $"{what}: {name} differs from PyTorch's by {difference}");
            // The step must have moved it, or the comparison proves nothing.
            Assert.False(value.allclose(start[name]), $"{what}: {name} never moved");
        }
    }

    private static void Compare(TrainingOptions options, Func<IReadOnlyList<Parameter>, double, optim.Optimizer> reference, string what)
    {
        TorchRuntime.EnsureLoaded();
        using var mine = Model();
        using var theirs = Model();
        using var initial = Model();
        manual_seed(12);
        using var input = randn(8, 5);
        using var target = randint(0, 3, 8);
        var optimizer = new Optimizer(mine, options);
        var parameters = theirs.named_parameters().ToList();
        // PyTorch users get Manabi's decay rule from two parameter groups; two optimisers are the same thing.
        var decayed = reference(parameters.Where(p => p.parameter.dim() > 1).Select(p => p.parameter).ToList(), options.WeightDecay);
        var plain = reference(parameters.Where(p => p.parameter.dim() <= 1).Select(p => p.parameter).ToList(), 0);
        for (int step = 0; step < Steps; step++)
        {
            double rate = Rate(options.LearningRate, step);
            optimizer.ZeroGrad();
            Backward(mine, input, target);
            optimizer.Step(rate);
            foreach (var other in new[] { decayed, plain })
            {
                other.zero_grad();
                foreach (var group in other.ParamGroups)
                {
                    group.LearningRate = rate;
                }
            }
            Backward(theirs, input, target);
            decayed.step();
            plain.step();
        }
        Assert.Equal(Steps, optimizer.Steps);
        AssertSameParameters(theirs, mine, initial, what);
    }

    [Fact]
    public void AdamW_steps_as_PyTorch_AdamW_with_decay_on_weights_only() =>
        Compare(new TrainingOptions { LearningRate = 0.05, WeightDecay = 0.1 },
            (parameters, decay) => optim.AdamW(parameters, lr: 0.05, weight_decay: decay), "AdamW");

    [Fact]
    public void Sgd_with_momentum_steps_as_PyTorch_SGD() =>
        Compare(new TrainingOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.3, WeightDecay = 0.01, Momentum = 0.8 },
            (parameters, decay) => optim.SGD(parameters, 0.3, momentum: 0.8, weight_decay: decay), "SGD");

    [Fact]
    public void Sgd_with_Nesterov_momentum_steps_as_PyTorch_SGD_nesterov() =>
        Compare(new TrainingOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.3, WeightDecay = 0.01, Momentum = 0.8, Nesterov = true },
            (parameters, decay) => optim.SGD(parameters, 0.3, momentum: 0.8, weight_decay: decay, nesterov: true), "SGD Nesterov");

    [Fact]
    public void Nesterov_momentum_takes_a_different_path_from_classical_momentum()
    {
        TorchRuntime.EnsureLoaded();
        using var classical = Model();
        using var nesterov = Model();
        manual_seed(12);
        using var input = randn(8, 5);
        using var target = randint(0, 3, 8);
        var plain = new Optimizer(classical, new TrainingOptions { Optimizer = OptimizerKind.Sgd, Momentum = 0.9 });
        var ahead = new Optimizer(nesterov, new TrainingOptions { Optimizer = OptimizerKind.Sgd, Momentum = 0.9, Nesterov = true });
        for (int step = 0; step < 3; step++)
        {
            plain.ZeroGrad();
            Backward(classical, input, target);
            plain.Step(0.1);
            ahead.ZeroGrad();
            Backward(nesterov, input, target);
            ahead.Step(0.1);
        }
        var a = classical.named_parameters().First().parameter;
        var b = nesterov.named_parameters().First().parameter;
        Assert.True((a - b).abs().max().item<float>() > 1e-4, "Nesterov momentum changed nothing");
    }
}

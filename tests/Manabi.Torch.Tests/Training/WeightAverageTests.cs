using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Training;

/// <summary>
/// <see cref="WeightAverage"/>: timm's EMA update with its warm-up, BatchNorm statistics averaged and integer buffers
/// copied, an exact swap for evaluation, and a save/load round trip that continues the average exactly.
/// </summary>
public sealed class WeightAverageTests
{
    private static nn.Module Model()
    {
        manual_seed(4);
        return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4));
    }

    private static void Perturb(nn.Module model, double by)
    {
        using var noGrad = no_grad();
        foreach (var (_, value) in model.state_dict())
        {
            if (value.is_floating_point())
            {
                value.add_(by);
            }
            else
            {
                value.add_(1);
            }
        }
    }

    [Fact]
    public void Each_update_moves_the_average_by_one_minus_the_warmed_up_decay()
    {
        TorchRuntime.EnsureLoaded();
        using var model = Model();
        var start = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var average = new WeightAverage(model, decay: 0.99);
        Perturb(model, 1.0);
        average.Update(model);
        Perturb(model, 1.0);
        average.Update(model);
        // d0 = min(0.99, 1/10) = 0.1, d1 = min(0.99, 2/11); the model moved by +1 then +2 from its start.
        double d0 = 0.1, d1 = 2.0 / 11;
        double afterFirst = (1 - d0) * 1.0, expected = d1 * afterFirst + (1 - d1) * 2.0;
        average.Swap(model);
        foreach (var (name, value) in model.state_dict())
        {
            if (value.is_floating_point())
            {
                Assert.True((value - start[name]).sub_(expected).abs().max().item<float>() < 1e-5, $"{name}");
            }
            else
            {
                Assert.Equal(start[name].item<long>() + 2, value.item<long>()); // num_batches_tracked: copied, not averaged
            }
        }
        Assert.Equal(2, average.Updates);
    }

    [Fact]
    public void Swapping_twice_restores_the_weights_exactly()
    {
        TorchRuntime.EnsureLoaded();
        using var model = Model();
        using var average = new WeightAverage(model, 0.9);
        Perturb(model, 0.37);
        average.Update(model);
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        average.Swap(model);
        Assert.Contains(model.state_dict(), p => !p.Value.equal(before[p.Key]).all().item<bool>());
        average.Swap(model);
        Assert.All(model.state_dict(), p => Assert.True(p.Value.equal(before[p.Key]).all().item<bool>(), p.Key));
    }

    [Fact]
    public void A_saved_average_continues_exactly_and_bad_input_is_refused()
    {
        TorchRuntime.EnsureLoaded();
        using var model = Model();
        using var straight = new WeightAverage(model, 0.95);
        using var resumed = new WeightAverage(model, 0.95);
        for (int i = 0; i < 3; i++)
        {
            Perturb(model, 0.1 * (i + 1));
            straight.Update(model);
            resumed.Update(model);
        }
        var saved = resumed.StateDict();
        using var other = Model();
        using var restored = new WeightAverage(other, 0.95);
        restored.LoadStateDict(saved, "saved");
        Assert.Equal(3, restored.Updates);
        Perturb(model, 0.5);
        straight.Update(model);
        restored.Update(model);
        var a = straight.StateDict();
        var b = restored.StateDict();
        Assert.All(a, p => Assert.True(p.Value.equal(b[p.Key]).all().item<bool>(), p.Key));

        saved.Remove("0.weight");
        var missing = Assert.Throws<InvalidDataException>(() => restored.LoadStateDict(saved, "run/ema.safetensors"));
        Assert.Contains("run/ema.safetensors", missing.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(model, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(model, double.NaN));
    }
}

using System.Globalization;
using System.Text.Json;
using Manabi.Benchmarks.Compare;
using Manabi.Vision.Models;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Benchmarks.Vision;

/// <summary>
/// Training and inference throughput of Manabi.Torch's small vision models against the same architectures in
/// PyTorch (bench/anchors/vision_anchor.py, Debian python3-torch), batch 128, 2 threads, in one run.
/// A training step is forward, label-smoothed cross-entropy, backward, gradient clipping and AdamW, as in the trainer.
/// </summary>
/// <remarks>
/// The two sides alternate step by step (Manabi once, PyTorch once, in a PyTorch process kept alive): the host's
/// speed drifts by up to 2× within seconds, and timing all of one side's steps and then the other's measured that
/// drift as much as the code. Each row gives both medians; its task names the median of the per-round speed-ups.
/// </remarks>
public static class VisionComparison
{
    private const int BatchSize = 128;
    private const int Threads = 2;

    // Before each side's step (see PythonAnchorServer.AlternateAsync).
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    public static async Task<IReadOnlyList<ComparisonRow>> RunAsync(bool quick)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(Threads);
        int rounds = quick ? 3 : 12;
        var rows = new List<ComparisonRow>();
        foreach (string name in new[] { "seresnet18-small", "resnet18-small", "seresnet18-tiny", "resnet18-tiny", "vit-small28" })
        {
            rows.AddRange(await CompareAsync(name, rounds));
        }
        return rows;
    }

    private static async Task<IReadOnlyList<ComparisonRow>> CompareAsync(string name, int rounds)
    {
        manual_seed(0);
        using var model = VisionModels.Create(name);
        var optimizer = new Optimizer(model, new TrainingOptions { LearningRate = 1e-3, WeightDecay = 0.05 });
        using var x = randn(BatchSize, 1, 28, 28);
        using var y = randint(0, 10, [BatchSize]);
        // Each step sets the model's mode, as the anchor's timed steps do.
        void TrainStep()
        {
            model.train();
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.call(x), y, label_smoothing: 0.1);
            loss.backward();
            nn.utils.clip_grad_norm_(optimizer.Parameters, 1.0);
            optimizer.Step(1e-3);
        }
        void InferStep()
        {
            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            model.call(x);
        }

        await using var peer = PythonAnchorServer.Start("vision_anchor.py", "serve", name, $"{BatchSize}", $"{Threads}");
        for (int warm = 0; warm < 2; warm++)
        {
            TrainStep();
            InferStep();
        }
        var train = await peer.AlternateAsync(TrainStep, rounds, Pause, "train");
        var infer = await peer.AlternateAsync(InferStep, rounds, Pause, "infer");
        JsonElement summary = await peer.QuitAsync();

        long parameters = StateDicts.ParameterCount(model);
        long peerParameters = summary.GetProperty("params").GetInt64();
        string agreement = peerParameters == parameters ? $"same parameter count ({parameters:N0})" : $"parameters differ: {parameters:N0} vs {peerParameters:N0}";
        string version = $"PyTorch {summary.GetProperty("torch").GetString()} (BLAS: {summary.GetProperty("blas").GetString()})";
        ComparisonRow Row(string what, InterleavedTimes times)
        {
            double ours = times.OursMedian, theirs = times.TheirsMedian;
            string task = string.Create(CultureInfo.InvariantCulture,
                $"{name} {what}, batch {BatchSize} ({BatchSize / ours:0} vs {BatchSize / theirs:0} img/s), {times.Summary}");
            return new ComparisonRow(task, version, ours, theirs, agreement, "≥ 1.2×");
        }
        return [Row("training step", train), Row("inference", infer)];
    }
}

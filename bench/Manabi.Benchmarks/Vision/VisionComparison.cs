using System.Diagnostics;
using Manabi.Benchmarks.Compare;
using Manabi.Torch.Models;
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
public static class VisionComparison
{
    private const int BatchSize = 128;
    private const int Threads = 2;

    public static async Task<IReadOnlyList<ComparisonRow>> RunAsync(bool quick)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(Threads);
        int trainSteps = quick ? 3 : 10, inferSteps = quick ? 3 : 10;
        var rows = new List<ComparisonRow>();
        foreach (string name in new[] { "seresnet18-small", "resnet18-small", "vit-small28" })
        {
            var (parameters, train, infer) = Measure(name, trainSteps, inferSteps);
            var peer = await PythonAnchor.RunAsync("vision_anchor.py", name, $"{BatchSize}", $"{Threads}", $"{trainSteps}", $"{inferSteps}");
            long peerParameters = peer.GetProperty("params").GetInt64();
            string agreement = peerParameters == parameters ? $"same parameter count ({parameters:N0})" : $"parameters differ: {parameters:N0} vs {peerParameters:N0}";
            string version = $"PyTorch {peer.GetProperty("torch").GetString()} ({peer.GetProperty("blas").GetString()} BLAS)";
            double peerTrain = peer.GetProperty("train_images_per_s").GetDouble(), peerInfer = peer.GetProperty("infer_images_per_s").GetDouble();
            // Rows hold seconds per batch so that the shared table's speed-up (peer time / Manabi time) is the images/s ratio.
            rows.Add(new ComparisonRow($"{name} training step, batch {BatchSize} ({train:0} vs {peerTrain:0} img/s)", version, BatchSize / train, BatchSize / peerTrain, agreement, "≥ 1.2×"));
            rows.Add(new ComparisonRow($"{name} inference, batch {BatchSize} ({infer:0} vs {peerInfer:0} img/s)", version, BatchSize / infer, BatchSize / peerInfer, agreement, "≥ 1.2×"));
        }
        return rows;
    }

    private static (long Parameters, double TrainImagesPerSecond, double InferImagesPerSecond) Measure(string name, int trainSteps, int inferSteps)
    {
        manual_seed(0);
        using var model = VisionModels.Create(name);
        var optimizer = new Optimizer(model, new TrainingOptions { LearningRate = 1e-3, WeightDecay = 0.05 });
        using var x = randn(BatchSize, 1, 28, 28);
        using var y = randint(0, 10, [BatchSize]);
        void TrainStep()
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.call(x), y, label_smoothing: 0.1);
            loss.backward();
            nn.utils.clip_grad_norm_(optimizer.Parameters, 1.0);
            optimizer.Step(1e-3);
        }
        model.train();
        for (int i = 0; i < 2; i++)
        {
            TrainStep();
        }
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < trainSteps; i++)
        {
            TrainStep();
        }
        double train = BatchSize * trainSteps / clock.Elapsed.TotalSeconds;

        model.eval();
        using (no_grad())
        {
            for (int i = 0; i < 2; i++)
            {
                using var scope = NewDisposeScope();
                model.call(x);
            }
            clock.Restart();
            for (int i = 0; i < inferSteps; i++)
            {
                using var scope = NewDisposeScope();
                model.call(x);
            }
        }
        double infer = BatchSize * inferSteps / clock.Elapsed.TotalSeconds;
        return (StateDicts.ParameterCount(model), train, infer);
    }
}

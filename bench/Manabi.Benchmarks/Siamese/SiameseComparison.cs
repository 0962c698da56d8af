using System.Diagnostics;
using Manabi.Benchmarks.Compare;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Benchmarks.Siamese;

/// <summary>
/// Siamese workloads against PyTorch (bench/anchors/siamese_anchor.py) in one run, 2 threads: a supervised
/// triplet step (SE-ResNet-18-small, semi-hard mining), a SimCLR NT-Xent step on two views, and 10,000 4-way
/// 1-shot episodes. Augmentation is left out of both sides' steps so the rows compare the same work.
/// </summary>
public static class SiameseComparison
{
    private const int Threads = 2;

    public static async Task<IReadOnlyList<ComparisonRow>> RunAsync(bool quick)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(Threads);
        int steps = quick ? 3 : 10;
        var rows = new List<ComparisonRow>();

        double triplet = TripletStep(steps);
        var peer = await PythonAnchor.RunAsync("siamese_anchor.py", "triplet", $"{Threads}", $"{steps}");
        rows.Add(new ComparisonRow($"triplet step, semi-hard, batch 6×20 ({120 / triplet:0} vs {120 / peer.GetProperty("seconds").GetDouble():0} img/s)",
            Version(peer), triplet, peer.GetProperty("seconds").GetDouble(), "same architecture and mining rule", "faster than PyTorch"));

        double ntxent = NTXentStep(steps);
        peer = await PythonAnchor.RunAsync("siamese_anchor.py", "ntxent", $"{Threads}", $"{steps}");
        rows.Add(new ComparisonRow($"SimCLR NT-Xent step, 2 views × 128 ({128 / ntxent:0} vs {128 / peer.GetProperty("seconds").GetDouble():0} img/s)",
            Version(peer), ntxent, peer.GetProperty("seconds").GetDouble(), "same architecture and loss", "faster than PyTorch"));

        var (episodes, accuracy) = Episodes(steps);
        peer = await PythonAnchor.RunAsync("siamese_anchor.py", "episodes", $"{Threads}", $"{steps}");
        rows.Add(new ComparisonRow($"10,000 4-way 1-shot episodes on 4,000×128 ({10000 / episodes:N0} vs {10000 / peer.GetProperty("seconds").GetDouble():N0} episodes/s)",
            Version(peer), episodes, peer.GetProperty("seconds").GetDouble(),
            $"accuracy {accuracy:0.000} vs {peer.GetProperty("value").GetDouble():0.000} (same data model, different draws)", "faster than PyTorch"));
        return rows;
    }

    private static string Version(System.Text.Json.JsonElement peer) => $"PyTorch {peer.GetProperty("torch").GetString()} ({peer.GetProperty("blas").GetString()} BLAS)";

    private static double TripletStep(int steps)
    {
        manual_seed(0);
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("seresnet18-small", 28, 1, 128, ProjectionHead.Linear));
        var optimizer = new Optimizer(network, new TrainingOptions { LearningRate = 1e-3, WeightDecay = 1e-4 });
        using var x = randn(120, 1, 28, 28);
        using var labels = arange(6, dtype: ScalarType.Int64).repeat_interleave(20);
        var loss = new TripletMarginLoss(0.2);
        network.train();
        return Median(steps, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var e = network.call(x);
            var d = PairwiseDistances.Matrix(e, e, EmbeddingDistance.Euclidean);
            using var t = TripletMiner.Mine(d, labels, TripletMiningStrategy.SemiHard, 0.2);
            var rows = d.index_select(0, t.Anchors);
            loss.FromDistances(rows.gather(1, t.Positives.unsqueeze(1)).squeeze(1), rows.gather(1, t.Negatives.unsqueeze(1)).squeeze(1)).backward();
            nn.utils.clip_grad_norm_(optimizer.Parameters, 5);
            optimizer.Step(1e-3);
        });
    }

    private static double NTXentStep(int steps)
    {
        manual_seed(0);
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("seresnet18-small", 28, 1, 128, ProjectionHead.Mlp));
        var optimizer = new Optimizer(network, new TrainingOptions { LearningRate = 1e-3, WeightDecay = 1e-4 });
        using var v1 = randn(128, 1, 28, 28);
        using var v2 = randn(128, 1, 28, 28);
        var loss = new NTXentLoss(0.5);
        network.train();
        return Median(steps, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var z = network.Project(network.Features(cat([v1, v2], 0))).chunk(2, 0);
            loss.Compute(z[0], z[1]).backward();
            nn.utils.clip_grad_norm_(optimizer.Parameters, 5);
            optimizer.Step(1e-3);
        });
    }

    private static (double Seconds, double Accuracy) Episodes(int steps)
    {
        manual_seed(0);
        using var scope = NewDisposeScope();
        int[] labels = [.. Enumerable.Range(0, 4000).Select(i => i / 1000)];
        var centres = randn(4, 128) * 0.3;
        var embeddings = randn(4000, 128) + centres.index_select(0, tensor(labels.Select(l => (long)l).ToArray()));
        double accuracy = FewShotEvaluator.Evaluate(embeddings, labels, 4, 1, 10000).Accuracy;
        return (Median(steps, () => FewShotEvaluator.Evaluate(embeddings, labels, 4, 1, 10000)), accuracy);
    }

    private static double Median(int steps, Action step)
    {
        for (int i = 0; i < 2; i++)
        {
            step();
        }
        var times = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[steps / 2];
    }
}

using Manabi.Benchmarks.Compare;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using Manabi.Vision.Siamese;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Benchmarks.Siamese;

/// <summary>
/// Siamese workloads against PyTorch (bench/anchors/siamese_anchor.py) in one run, 2 threads: a supervised
/// triplet step (SE-ResNet-18-small, semi-hard mining), a SimCLR NT-Xent step on two views, and 10,000 4-way
/// 1-shot episodes. Augmentation is left out of both sides' steps so the rows compare the same work.
/// </summary>
/// <remarks>
/// The two sides alternate run by run (<see cref="PythonAnchorServer.AlternateAsync"/>, the PyTorch process kept
/// alive), as in the vision and eigh comparisons: timing all of one side and then the other measured the host's
/// drift as much as the code.
/// </remarks>
public static class SiameseComparison
{
    private const int Threads = 2;

    // Before each side's run (see PythonAnchorServer.AlternateAsync).
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    public static async Task<IReadOnlyList<ComparisonRow>> RunAsync(bool quick)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(Threads);
        int rounds = quick ? 3 : 10;
        await using var peer = PythonAnchorServer.Start("siamese_anchor.py", "serve", $"{Threads}");
        var triplet = await TripletStepAsync(peer, rounds);
        var ntxent = await NTXentStepAsync(peer, rounds);
        var (episodes, accuracy) = await EpisodesAsync(peer, rounds);
        var summary = await peer.QuitAsync();
        string version = $"PyTorch {summary.GetProperty("torch").GetString()} (BLAS: {summary.GetProperty("blas").GetString()})";
        double peerAccuracy = summary.GetProperty("values").GetProperty("episodes").GetDouble();

        ComparisonRow Row(string what, Func<double, string> rate, InterleavedTimes times, string agreement) => new(
            string.Create(CultureInfo.InvariantCulture, $"{what} ({rate(times.OursMedian)} vs {rate(times.TheirsMedian)}), {times.Summary}"),
            version, times.OursMedian, times.TheirsMedian, agreement, "faster than PyTorch");
        return
        [
            Row("triplet step, semi-hard, batch 6×20", s => $"{120 / s:0} img/s", triplet, "same architecture and mining rule"),
            Row("SimCLR NT-Xent step, 2 views × 128", s => $"{128 / s:0} img/s", ntxent, "same architecture and loss"),
            Row("10,000 4-way 1-shot episodes on 4,000×128", s => $"{10000 / s:N0} episodes/s", episodes,
                string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy:0.000} vs {peerAccuracy:0.000} (same data model, different draws)")),
        ];
    }

    private static async Task<InterleavedTimes> TripletStepAsync(PythonAnchorServer peer, int rounds)
    {
        manual_seed(0);
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("seresnet18-small", 28, 1, 128, ProjectionHead.Linear));
        var optimizer = new Optimizer(network, new TrainingOptions { LearningRate = 1e-3, WeightDecay = 1e-4 });
        using var x = randn(120, 1, 28, 28);
        using var labels = arange(6, dtype: ScalarType.Int64).repeat_interleave(20);
        var loss = new TripletMarginLoss(0.2);
        network.train();
        return await AlternateAsync(peer, rounds, "triplet", () =>
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

    private static async Task<InterleavedTimes> NTXentStepAsync(PythonAnchorServer peer, int rounds)
    {
        manual_seed(0);
        using var network = new EmbeddingNetwork(new EmbeddingNetworkConfig("seresnet18-small", 28, 1, 128, ProjectionHead.Mlp));
        var optimizer = new Optimizer(network, new TrainingOptions { LearningRate = 1e-3, WeightDecay = 1e-4 });
        using var v1 = randn(128, 1, 28, 28);
        using var v2 = randn(128, 1, 28, 28);
        var loss = new NTXentLoss(0.5);
        network.train();
        return await AlternateAsync(peer, rounds, "ntxent", () =>
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            var z = network.Project(network.Features(cat([v1, v2], 0))).chunk(2, 0);
            loss.Compute(z[0], z[1]).backward();
            nn.utils.clip_grad_norm_(optimizer.Parameters, 5);
            optimizer.Step(1e-3);
        });
    }

    private static async Task<(InterleavedTimes Times, double Accuracy)> EpisodesAsync(PythonAnchorServer peer, int rounds)
    {
        manual_seed(0);
        using var scope = NewDisposeScope();
        int[] labels = [.. Enumerable.Range(0, 4000).Select(i => i / 1000)];
        var centres = randn(4, 128) * 0.3;
        var embeddings = randn(4000, 128) + centres.index_select(0, tensor(labels.Select(l => (long)l).ToArray()));
        double accuracy = FewShotEvaluator.Evaluate(embeddings, labels, 4, 1, 10000).Accuracy;
        return (await AlternateAsync(peer, rounds, "episodes", () => FewShotEvaluator.Evaluate(embeddings, labels, 4, 1, 10000)), accuracy);
    }

    /// <summary>Two untimed warm-up runs of <paramref name="step"/>, then <paramref name="rounds"/> alternating with the peer's <paramref name="task"/>.</summary>
    private static Task<InterleavedTimes> AlternateAsync(PythonAnchorServer peer, int rounds, string task, Action step)
    {
        for (int i = 0; i < 2; i++)
        {
            step();
        }
        return peer.AlternateAsync(step, rounds, Pause, task);
    }
}

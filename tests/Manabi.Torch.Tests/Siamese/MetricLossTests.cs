using System.Text.Json;
using Manabi.TestSupport;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Siamese;

public sealed class MetricLossTests
{
    private static readonly JsonElement Golden = LoadGolden();

    private static JsonElement LoadGolden()
    {
        using var document = GoldenJson.Load("math", "math-golden.json");
        return document.RootElement.GetProperty("losses").Clone();
    }

    private static Tensor Matrix(string name)
    {
        var rows = Golden.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        return tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
    }

    public MetricLossTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Triplet_margin_loss_matches_torch()
    {
        using var scope = NewDisposeScope();
        double loss = new TripletMarginLoss(1.0).Compute(Matrix("a"), Matrix("p"), Matrix("n")).item<float>();
        Assert.Equal(Golden.GetProperty("TripletMarginLoss_m1_p2").GetDouble(), loss, 1e-6);
    }

    [Fact]
    public void Cosine_embedding_loss_matches_torch()
    {
        // The golden pairs row i of a with row i of p, labelled +1, -1, +1, ... (established with torch 1.13).
        using var scope = NewDisposeScope();
        var targets = tensor(new float[] { 1, -1, 1, -1, 1, -1 });
        double loss = new CosineEmbeddingLoss(0.2).Compute(Matrix("a"), Matrix("p"), targets).item<float>();
        Assert.Equal(Golden.GetProperty("CosineEmbeddingLoss_m0.2").GetDouble(), loss, 1e-6);
    }

    [Fact]
    public void Cross_entropy_with_label_smoothing_matches_torch()
    {
        // The golden treats a as logits for targets 0..5.
        using var scope = NewDisposeScope();
        double loss = nn.functional.cross_entropy(Matrix("a"), arange(6, dtype: ScalarType.Int64), label_smoothing: 0.1).item<float>();
        Assert.Equal(Golden.GetProperty("cross_entropy_label_smoothing_0.1").GetDouble(), loss, 1e-6);
    }

    [Fact]
    public void Contrastive_loss_follows_Hadsell_squared_and_hinge_forms()
    {
        using var scope = NewDisposeScope();
        // Distances 5 (same) and 0.5 (different, margin 2).
        var first = tensor(new float[] { 0, 0, 0, 0 }, [2, 2]);
        var second = tensor(new float[] { 3, 4, 0.3f, 0.4f }, [2, 2]);
        var same = tensor(new float[] { 1, 0 });
        double squared = new PairContrastiveLoss(2, ContrastiveForm.Squared).Compute(first, second, same).item<float>();
        double hinge = new PairContrastiveLoss(2, ContrastiveForm.Hinge).Compute(first, second, same).item<float>();
        // torch's pairwise_distance adds 1e-6 to each coordinate difference, hence the tolerance.
        Assert.Equal((0.5 * 25 + 0.5 * 1.5 * 1.5) / 2, squared, 1e-4);
        Assert.Equal((5 + 1.5) / 2, hinge, 1e-4);
    }

    [Fact]
    public void Batch_contrastive_loss_averages_positive_and_negative_pairs_separately()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var embeddings = randn(9, 4);
        long[] labels = [0, 0, 1, 1, 1, 2, 2, 0, 2];
        var loss = new PairContrastiveLoss(1.5, ContrastiveForm.Squared);
        double actual = loss.Compute(embeddings, tensor(labels)).item<float>();
        float[] e = embeddings.data<float>().ToArray();
        double positive = 0, negative = 0;
        int positives = 0, negatives = 0;
        for (int i = 0; i < 9; i++)
        {
            for (int j = i + 1; j < 9; j++)
            {
                double d = Math.Sqrt(Enumerable.Range(0, 4).Sum(k => Math.Pow(e[i * 4 + k] - e[j * 4 + k], 2)));
                if (labels[i] == labels[j])
                {
                    positive += 0.5 * d * d;
                    positives++;
                }
                else
                {
                    negative += 0.5 * Math.Pow(Math.Max(0, 1.5 - d), 2);
                    negatives++;
                }
            }
        }
        Assert.Equal(positive / positives + negative / negatives, actual, 1e-4);
    }

    [Fact]
    public void NT_Xent_matches_a_direct_computation()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var first = randn(5, 3).to_type(ScalarType.Float64);
        var second = randn(5, 3).to_type(ScalarType.Float64);
        double actual = new NTXentLoss(0.5).Compute(first, second).item<double>();
        var z = nn.functional.normalize(cat([first, second], 0), dim: 1);
        double[] v = z.data<double>().ToArray();
        double Cos(int i, int j) => Enumerable.Range(0, 3).Sum(k => v[i * 3 + k] * v[j * 3 + k]);
        double total = 0;
        for (int i = 0; i < 10; i++)
        {
            int partner = (i + 5) % 10;
            double denominator = Enumerable.Range(0, 10).Where(j => j != i).Sum(j => Math.Exp(Cos(i, j) / 0.5));
            total += -Math.Log(Math.Exp(Cos(i, partner) / 0.5) / denominator);
        }
        Assert.Equal(total / 10, actual, 1e-10);
    }

    [Fact]
    public void SimSiam_loss_is_the_symmetric_negative_cosine_and_stops_gradients_into_the_target()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var p1 = randn(4, 6, requires_grad: true);
        var p2 = randn(4, 6, requires_grad: true);
        var z1 = randn(4, 6, requires_grad: true);
        var z2 = randn(4, 6, requires_grad: true);
        var loss = new SimSiamLoss().Compute(p1, p2, z1, z2);
        double expected = -0.5 * nn.functional.cosine_similarity(p1, z2, 1).mean().item<float>() - 0.5 * nn.functional.cosine_similarity(p2, z1, 1).mean().item<float>();
        Assert.Equal(expected, loss.item<float>(), 1e-6);
        loss.backward();
        Assert.True(z1.grad is null || z1.grad.abs().sum().item<float>() == 0, "stop-gradient: no gradient may reach the projections");
        Assert.True(p1.grad!.abs().sum().item<float>() > 0);

        var z3 = randn(4, 6, requires_grad: true);
        new SimSiamLoss(stopGradient: false).Compute(p1, p2, z3, z2).backward();
        Assert.True(z3.grad!.abs().sum().item<float>() > 0, "without stop-gradient the projections get gradients");
    }

    [Fact]
    public void Euclidean_distance_matrix_has_finite_gradients_on_its_zero_diagonal()
    {
        using var scope = NewDisposeScope();
        var x = randn(6, 3, requires_grad: true);
        var d = Manabi.Torch.Siamese.PairwiseDistances.Matrix(x, x, EmbeddingDistance.Euclidean);
        d.sum().backward();
        Assert.True(x.grad!.isfinite().all().item<bool>());
        Assert.Equal(0, d.diagonal().abs().max().item<float>(), 1e-5);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => new NTXentLoss().Compute(randn(4, 3), randn(5, 3)));
        Assert.Contains("equal shape", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CosineEmbeddingLoss().Compute(randn(2, 3), randn(2, 3), tensor(new float[] { 1, 0 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairContrastiveLoss(0));
    }
}

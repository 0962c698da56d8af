using Manabi.Torch.Losses;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Siamese;

/// <summary>
/// The losses behind <see cref="ILabelledEmbeddingLoss"/>. Expected values come from direct per-anchor loops of the
/// papers' formulas in float64 Python (the loops are in the comments), not from this code.
/// </summary>
public sealed class LabelledEmbeddingLossTests
{
    public LabelledEmbeddingLossTests() => TorchRuntime.EnsureLoaded();

    // Eight rows of three overlapping classes: every anchor has positives, and some negatives sit closer than positives.
    private static Tensor Rows() => tensor(new double[]
    {
        0.3, -1.2, 0.5, 0.1, 0.9, 0.1, -0.4, 0.6, 0.2, -1.0, 0.7, -0.8, -0.6, 0.8, 0.3, 0.2,
        1.1, 0.3, -0.2, -0.5, -0.5, 0.6, 0.1, 0.9, 0.4, 0.4, -0.9, 0.3, -0.2, -0.7, 0.6, 0.5,
    }, [8, 4]);

    private static Tensor Labels() => tensor(new long[] { 0, 1, 0, 2, 1, 2, 0, 1 });

    [Theory]
    // for i: pos = same label, not i; mean over pos of -log(exp(z_i.z_p/t) / sum over a != i of exp(z_i.z_a/t)); mean over anchors
    [InlineData(0.1, 6.467496550393017)]
    [InlineData(0.5, 2.0656267413305285)]
    public void SupCon_matches_the_per_anchor_formula(double temperature, double expected)
    {
        using var scope = NewDisposeScope();
        double loss = new SupervisedContrastiveLoss(temperature).Compute(Rows(), Labels()).item<double>();
        Assert.Equal(expected, loss, 1e-10);
    }

    [Fact]
    public void SupCon_with_one_label_per_image_is_NT_Xent()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var first = randn(6, 5, dtype: ScalarType.Float64);
        var second = randn(6, 5, dtype: ScalarType.Float64);
        var images = cat([arange(6), arange(6)], 0);
        double supCon = new SupervisedContrastiveLoss(0.3).Compute(cat([first, second], 0), images).item<double>();
        double ntXent = new NTXentLoss(0.3).Compute(first, second).item<double>();
        Assert.Equal(ntXent, supCon, 1e-12);
    }

    [Theory]
    // for i: mine nk = negatives with s + eps > min(pos), pk = positives with s - eps < max(neg); skip if either is empty;
    // log(1 + sum exp(-a(s - lam)))/a + log(1 + sum exp(b(s - lam)))/b; sum over anchors / n
    [InlineData(0.1, 1.0339679813915157)]
    [InlineData(0.5, 1.0422049711063006)]
    public void Multi_similarity_matches_the_authors_loop(double epsilon, double expected)
    {
        using var scope = NewDisposeScope();
        double loss = new MultiSimilarityLoss(epsilon: epsilon).Compute(Rows(), Labels()).item<double>();
        Assert.Equal(expected, loss, 1e-10);
    }

    [Fact]
    public void Mined_triplets_give_the_hinge_of_the_mined_distances()
    {
        using var scope = NewDisposeScope();
        var rows = Rows();
        var labels = Labels();
        var distances = PairwiseDistances.Matrix(rows, rows, Torch.Evaluation.EmbeddingDistance.Euclidean);
        using var mined = TripletMiner.Mine(distances, labels, TripletMiningStrategy.BatchHard, 0.2);
        var positive = distances.index(TensorIndex.Tensor(mined.Anchors), TensorIndex.Tensor(mined.Positives));
        var negative = distances.index(TensorIndex.Tensor(mined.Anchors), TensorIndex.Tensor(mined.Negatives));
        var expected = (positive - negative + 0.2).clamp_min(0).mean().item<double>();
        double loss = new MinedTripletLoss(TripletMiningStrategy.BatchHard, 0.2).Compute(rows, labels).item<double>();
        Assert.Equal(expected, loss, 1e-12);
        Assert.True(loss > 0);
    }

    [Fact]
    public void Every_labelled_loss_trains_and_a_batch_without_positives_gives_a_zero_that_reaches_the_graph()
    {
        ILabelledEmbeddingLoss[] losses =
        [
            new PairContrastiveLoss(0.5), new MinedTripletLoss(), new SupervisedContrastiveLoss(), new MultiSimilarityLoss(),
        ];
        foreach (var loss in losses)
        {
            using var scope = NewDisposeScope();
            var rows = Rows().requires_grad_(true);
            loss.Compute(rows, Labels()).backward();
            Assert.True(rows.grad is not null && rows.grad.abs().sum().item<double>() > 0, $"{loss.GetType().Name} gives a gradient");

            // The contrastive loss still pushes the negatives apart; the others learn only from positives.
            if (loss is not PairContrastiveLoss)
            {
                var lonely = Rows().requires_grad_(true);
                var zero = loss.Compute(lonely, arange(8));
                Assert.Equal(0, zero.item<double>());
                zero.backward();
            }

            var ex = Assert.Throws<ArgumentException>(() => loss.Compute(Rows(), arange(7)));
            Assert.Contains("one label per embedding (8)", ex.Message, StringComparison.Ordinal);
        }
    }
}

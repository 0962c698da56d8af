using Manabi.Numerics.Metrics;
using Manabi.TestSupport;
using System.Text.Json;

namespace Manabi.Numerics.Tests.Metrics;

public sealed class VerificationTests
{
    private static readonly JsonElement Golden = GoldenJson.Load("math", "math-golden.json").RootElement.GetProperty("verification");

    private static double[] GoldenScores => GoldenJson.Vector(Golden.GetProperty("scores"));

    private static bool[] GoldenLabels => GoldenJson.Vector(Golden.GetProperty("labels")).Select(v => v == 1).ToArray();

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} points, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Roc_curve_matches_scikit_learn_on_the_golden_pairs()
    {
        RocCurve roc = Verification.Roc(GoldenScores, GoldenLabels);
        AssertClose(GoldenJson.Vector(Golden.GetProperty("fpr")), roc.FalsePositiveRates, 1e-12, "fpr");
        AssertClose(GoldenJson.Vector(Golden.GetProperty("tpr")), roc.TruePositiveRates, 1e-12, "tpr");
        Assert.Equal(double.PositiveInfinity, roc.Thresholds[0]);
        for (int i = 1; i < roc.Thresholds.Length; i++)
        {
            Assert.True(roc.Thresholds[i] < roc.Thresholds[i - 1], $"thresholds must descend at {i}");
        }
        Assert.Equal(GoldenScores.Min(), roc.Thresholds[^1]);
    }

    [Fact]
    public void Auc_and_eer_match_the_golden()
    {
        double expectedAuc = GoldenJson.Number(Golden.GetProperty("auc"));
        double expectedEer = GoldenJson.Number(Golden.GetProperty("eer_approx"));
        VerificationResult result = Verification.Evaluate(GoldenScores, GoldenLabels);
        Assert.True(Math.Abs(result.Auc - expectedAuc) <= 1e-9, $"AUC {result.Auc:R}, expected {expectedAuc:R}");
        Assert.True(Math.Abs(Verification.Auc(GoldenScores, GoldenLabels) - expectedAuc) <= 1e-9, "Verification.Auc");
        Assert.True(Math.Abs(result.Eer - expectedEer) <= 1e-6, $"EER {result.Eer:R}, expected {expectedEer:R}");
        // sklearn: index 47 of the golden ROC, threshold 0.3064847907992255.
        Assert.Equal(0.3064847907992255, result.EerThreshold, 1e-12);
        Assert.Equal(GoldenLabels.Count(l => l), result.Positives);
        Assert.Equal(GoldenLabels.Count(l => !l), result.Negatives);
    }

    [Fact]
    public void Tied_scores_and_collinear_points_follow_scikit_learn()
    {
        // from sklearn.metrics import roc_curve, roc_auc_score   (scikit-learn 1.2.1)
        // y = [1,1,0,1,1,0,0,1,0,0,0,1,0]
        // s = [0.9,0.8,0.8,0.7,0.6,0.6,0.6,0.4,0.35,0.3,0.25,0.2,0.2]
        // f, t, th = roc_curve(y, s); roc_auc_score(y, s)
        // i = argmin(|1 - t - f|); (f[i] + 1 - t[i]) / 2, th[i]
        // (sklearn 1.2 reports th[0] = 1.9 where newer versions, and this code, use +inf.)
        double[] scores = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.4, 0.35, 0.3, 0.25, 0.2, 0.2];
        bool[] labels = new[] { 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0 }.Select(v => v == 1).ToArray();
        double[] fpr = [0.0, 0.0, 0.14285714285714285, 0.14285714285714285, 0.42857142857142855, 0.42857142857142855, 0.8571428571428571, 1.0];
        double[] tpr = [0.0, 0.16666666666666666, 0.3333333333333333, 0.5, 0.6666666666666666, 0.8333333333333334, 0.8333333333333334, 1.0];
        double[] thresholds = [double.PositiveInfinity, 0.9, 0.8, 0.7, 0.6, 0.4, 0.25, 0.2];

        VerificationResult result = Verification.Evaluate(scores, labels);
        AssertClose(fpr, result.Roc.FalsePositiveRates, 1e-15, "fpr");
        AssertClose(tpr, result.Roc.TruePositiveRates, 1e-15, "tpr");
        Assert.Equal(thresholds, result.Roc.Thresholds);
        Assert.Equal(0.6904761904761906, result.Auc, 1e-15);
        Assert.Equal(0.38095238095238093, result.Eer, 1e-15);
        Assert.Equal(0.6, result.EerThreshold);
    }

    [Fact]
    public void Equal_error_gaps_take_the_first_point()
    {
        // roc_curve([1,0,0,1], [4,3,2,1]) -> fpr [0,0,1,1], tpr [0,.5,.5,1]; |fnr - fpr| = [1,.5,.5,1]; argmin = 1.
        VerificationResult result = Verification.Evaluate([4.0, 3.0, 2.0, 1.0], [true, false, false, true]);
        Assert.Equal([0.0, 0.0, 1.0, 1.0], result.Roc.FalsePositiveRates);
        Assert.Equal([0.0, 0.5, 0.5, 1.0], result.Roc.TruePositiveRates);
        Assert.Equal(0.25, result.Eer);
        Assert.Equal(4.0, result.EerThreshold);
        Assert.Equal(0.5, result.Auc);
    }

    [Fact]
    public void Perfect_separation_gives_auc_one_and_eer_zero()
    {
        VerificationResult result = Verification.Evaluate([0.9, 0.8, 0.2, 0.1], [true, true, false, false]);
        Assert.Equal(1.0, result.Auc);
        Assert.Equal(0.0, result.Eer);
        Assert.Equal(0.8, result.EerThreshold);
    }

    [Fact]
    public void Bad_input_is_rejected_with_the_argument_and_the_problem()
    {
        var oneClass = Assert.Throws<ArgumentException>(() => Verification.Roc([0.1, 0.2], [true, true]));
        Assert.Equal("labels", oneClass.ParamName);
        Assert.Contains("at least one of each", oneClass.Message, StringComparison.Ordinal);

        var lengths = Assert.Throws<ArgumentException>(() => Verification.Auc([0.1, 0.2, 0.3], [true, false]));
        Assert.Contains("3", lengths.Message, StringComparison.Ordinal);
        Assert.Contains("2", lengths.Message, StringComparison.Ordinal);

        var nan = Assert.Throws<ArgumentException>(() => Verification.Evaluate([0.1, double.NaN, 0.3], [true, false, true]));
        Assert.Equal("scores", nan.ParamName);
        Assert.Contains("scores[1]", nan.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => Verification.Evaluate([], []));
    }
}

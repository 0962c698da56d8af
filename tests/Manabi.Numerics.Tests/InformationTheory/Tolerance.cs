namespace Manabi.Numerics.Tests.Divergences;

/// <summary>Comparisons that treat infinities as exact and finite values with a relative tolerance.</summary>
internal static class Tolerance
{
    /// <summary>
    /// Infinite or NaN expected values must be matched exactly; an expected 0 must come back within
    /// <paramref name="absoluteFloor"/>; otherwise |actual − expected| ≤ relative·|expected|.
    /// </summary>
    public static void AssertClose(double expected, double actual, double relative, string what, double absoluteFloor = 1e-15)
    {
        if (!double.IsFinite(expected))
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        Assert.True(double.IsFinite(actual), $"{what}: expected {expected:R}, got {actual:R}");
        double allowed = Math.Max(relative * Math.Abs(expected), absoluteFloor);
        Assert.True(Math.Abs(actual - expected) <= allowed,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):R}, allowed {allowed:R})");
    }
}

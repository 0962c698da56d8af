using System.Runtime.CompilerServices;

namespace Manabi.Numerics;

/// <summary>
/// Entropy, cross-entropy and divergences of discrete probability distributions, with scipy's conventions:
/// 0·log 0 = 0; p_i &gt; 0 where q_i = 0 makes the Kullback-Leibler divergence and the cross-entropy +∞;
/// the Jensen-Shannon divergence uses the mixture m = (p + q)/2 and is always finite.
/// </summary>
/// <remarks>
/// <para>
/// With <c>normalize: true</c> (the default) each input is divided by its sum first, as
/// <c>scipy.stats.entropy</c> and <c>scipy.spatial.distance.jensenshannon</c> do, so counts or weights may be passed;
/// an all-zero input then throws. With <c>normalize: false</c> the values are used as given.
/// </para>
/// <para>
/// Every entry must be finite and non-negative; otherwise an <see cref="ArgumentException"/> names the argument and
/// the index (for example "p[3] is negative (-0.2)"). Empty inputs, and p and q of different lengths, throw too.
/// </para>
/// <para>
/// Results are in nats unless <see cref="LogBase"/> says otherwise (<see cref="LogBase.Bits"/>,
/// <see cref="LogBase.Decimal"/>); the nats value is divided by ln(base), as scipy does. The single-vector methods do
/// not allocate; the <c>…Rows</c> methods spread the rows of a row-major matrix over all cores.
/// </para>
/// </remarks>
[SkipLocalsInit]
public static partial class InformationTheory
{
    /// <summary>The Shannon entropy H(p) = −Σ pᵢ log pᵢ (<c>scipy.stats.entropy(p)</c>).</summary>
    /// <param name="p">The distribution: finite, non-negative entries.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <param name="normalize">Whether to divide <paramref name="p"/> by its sum first.</param>
    /// <returns>The entropy, at most log n for n entries when normalized.</returns>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite; p is empty; or p is all zeros while normalizing.</exception>
    public static double Entropy(ReadOnlySpan<double> p, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.Entropy, p, default, logBase, normalize);

    /// <summary>The Shannon entropy of a float vector, computed in double precision.</summary>
    /// <inheritdoc cref="Entropy(ReadOnlySpan{double}, LogBase, bool)"/>
    public static double Entropy(ReadOnlySpan<float> p, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.Entropy, p, default, logBase, normalize);

    /// <summary>The cross-entropy H(p, q) = −Σ pᵢ log qᵢ = H(p) + KL(p‖q).</summary>
    /// <param name="p">The reference distribution: finite, non-negative entries.</param>
    /// <param name="q">The model distribution, as long as <paramref name="p"/>.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <param name="normalize">Whether to divide each input by its sum first.</param>
    /// <returns>The cross-entropy; +∞ when some pᵢ &gt; 0 has qᵢ = 0.</returns>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite; an input is empty; the lengths differ; or an input is all zeros while normalizing.</exception>
    public static double CrossEntropy(ReadOnlySpan<double> p, ReadOnlySpan<double> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.CrossEntropy, p, q, logBase, normalize);

    /// <summary>The cross-entropy of float vectors, computed in double precision.</summary>
    /// <inheritdoc cref="CrossEntropy(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>
    public static double CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.CrossEntropy, p, q, logBase, normalize);

    /// <summary>The Kullback-Leibler divergence KL(p‖q) = Σ pᵢ log(pᵢ/qᵢ) (<c>scipy.stats.entropy(p, q)</c>).</summary>
    /// <param name="p">The distribution the expectation is taken under: finite, non-negative entries.</param>
    /// <param name="q">The approximating distribution, as long as <paramref name="p"/>.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <param name="normalize">Whether to divide each input by its sum first.</param>
    /// <returns>The divergence, ≥ 0 for normalized inputs; +∞ when some pᵢ &gt; 0 has qᵢ = 0.</returns>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite; an input is empty; the lengths differ; or an input is all zeros while normalizing.</exception>
    public static double KullbackLeibler(ReadOnlySpan<double> p, ReadOnlySpan<double> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.KullbackLeibler, p, q, logBase, normalize);

    /// <summary>The Kullback-Leibler divergence of float vectors, computed in double precision.</summary>
    /// <inheritdoc cref="KullbackLeibler(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>
    public static double KullbackLeibler(ReadOnlySpan<float> p, ReadOnlySpan<float> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.KullbackLeibler, p, q, logBase, normalize);

    /// <summary>
    /// The Jensen-Shannon divergence (KL(p‖m) + KL(q‖m)) / 2 with the mixture m = (p + q) / 2: symmetric, finite,
    /// and at most ln 2 nats (1 bit). It is the square of <see cref="JensenShannonDistance(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>.
    /// </summary>
    /// <param name="p">The first distribution: finite, non-negative entries.</param>
    /// <param name="q">The second distribution, as long as <paramref name="p"/>.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <param name="normalize">Whether to divide each input by its sum first.</param>
    /// <returns>The divergence, clamped at 0 against rounding.</returns>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite; an input is empty; the lengths differ; or an input is all zeros while normalizing.</exception>
    public static double JensenShannonDivergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.JensenShannon, p, q, logBase, normalize);

    /// <summary>The Jensen-Shannon divergence of float vectors, computed in double precision.</summary>
    /// <inheritdoc cref="JensenShannonDivergence(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>
    public static double JensenShannonDivergence(ReadOnlySpan<float> p, ReadOnlySpan<float> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.JensenShannon, p, q, logBase, normalize);

    /// <summary>
    /// The Jensen-Shannon distance, the square root of the Jensen-Shannon divergence
    /// (<c>scipy.spatial.distance.jensenshannon</c>): a metric, at most √(ln 2) in nats and 1 in bits.
    /// </summary>
    /// <param name="p">The first distribution: finite, non-negative entries.</param>
    /// <param name="q">The second distribution, as long as <paramref name="p"/>.</param>
    /// <param name="logBase">The unit of the divergence whose root is taken; nats by default.</param>
    /// <param name="normalize">Whether to divide each input by its sum first.</param>
    /// <returns>The distance.</returns>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite; an input is empty; the lengths differ; or an input is all zeros while normalizing.</exception>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q, LogBase logBase = default, bool normalize = true) =>
        Math.Sqrt(Single(DivergenceMeasure.JensenShannon, p, q, logBase, normalize));

    /// <summary>The Jensen-Shannon distance of float vectors, computed in double precision.</summary>
    /// <inheritdoc cref="JensenShannonDistance(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>
    public static double JensenShannonDistance(ReadOnlySpan<float> p, ReadOnlySpan<float> q, LogBase logBase = default, bool normalize = true) =>
        Math.Sqrt(Single(DivergenceMeasure.JensenShannon, p, q, logBase, normalize));

    /// <summary>
    /// Half the Jeffreys divergence, (KL(p‖q) + KL(q‖p)) / 2: the symmetrized mean of the two Kullback-Leibler
    /// divergences. Unlike the Jensen-Shannon divergence (with which it is sometimes confused) it is unbounded, and
    /// +∞ as soon as one distribution has a zero where the other does not.
    /// </summary>
    /// <param name="p">The first distribution: finite, non-negative entries.</param>
    /// <param name="q">The second distribution, as long as <paramref name="p"/>.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <param name="normalize">Whether to divide each input by its sum first.</param>
    /// <returns>The symmetrized divergence.</returns>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite; an input is empty; the lengths differ; or an input is all zeros while normalizing.</exception>
    public static double HalfJeffreys(ReadOnlySpan<double> p, ReadOnlySpan<double> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.HalfJeffreys, p, q, logBase, normalize);

    /// <summary>Half the Jeffreys divergence of float vectors, computed in double precision.</summary>
    /// <inheritdoc cref="HalfJeffreys(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>
    public static double HalfJeffreys(ReadOnlySpan<float> p, ReadOnlySpan<float> q, LogBase logBase = default, bool normalize = true) =>
        Single(DivergenceMeasure.HalfJeffreys, p, q, logBase, normalize);

    private static double Single<T>(
        DivergenceMeasure measure, ReadOnlySpan<T> p, ReadOnlySpan<T> q, LogBase logBase, bool normalize)
        where T : unmanaged
    {
        double naturalLogOfBase = logBase.NaturalLogarithm;
        ProbabilityValidation.EnsureShape(p.Length, q.Length, "p", "q", measure != DivergenceMeasure.Entropy);
        Span<double> scratch = stackalloc double[DivergenceKernels.ScratchLength(p.Length)];
        double nats = DivergenceKernels.Evaluate(measure, p, q, normalize, ProbabilityValidation.NoRow, scratch, "p", "q");
        return InUnits(measure, nats, naturalLogOfBase);
    }

    /// <summary>Converts nats to the requested unit; the Jensen-Shannon divergence is clamped at 0 so its root exists.</summary>
    internal static double InUnits(DivergenceMeasure measure, double nats, double naturalLogOfBase)
    {
        double value = nats / naturalLogOfBase;
        return measure == DivergenceMeasure.JensenShannon ? Math.Max(value, 0.0) : value;
    }
}

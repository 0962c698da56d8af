using System.Globalization;
using MathNet.Numerics;

namespace Manabi.Numerics.Distributions;

/// <summary>
/// Closed-form Kullback-Leibler divergences KL(P‖Q) = E_P[log p(x) − log q(x)] between two members of the same
/// family, in nats (divide by ln 2 for bits, or use <see cref="LogBase.FromNats(double)"/>). They agree with
/// <c>torch.distributions.kl_divergence</c>. Every parameter is validated; a bad one throws an
/// <see cref="ArgumentException"/> that names it.
/// </summary>
public static class KullbackLeiblerDivergence
{
    /// <summary>KL(N(μ_P, σ_P²) ‖ N(μ_Q, σ_Q²)) = ln(σ_Q/σ_P) + (σ_P² + (μ_P − μ_Q)²)/(2σ_Q²) − ½.</summary>
    /// <param name="meanP">μ of P, finite.</param>
    /// <param name="standardDeviationP">σ of P, positive and finite.</param>
    /// <param name="meanQ">μ of Q, finite.</param>
    /// <param name="standardDeviationQ">σ of Q, positive and finite.</param>
    /// <returns>The divergence in nats.</returns>
    /// <exception cref="ArgumentException">A mean is not finite or a standard deviation is not positive and finite.</exception>
    public static double Normal(double meanP, double standardDeviationP, double meanQ, double standardDeviationQ)
    {
        RequireFinite(meanP, nameof(meanP));
        RequirePositive(standardDeviationP, nameof(standardDeviationP));
        RequireFinite(meanQ, nameof(meanQ));
        RequirePositive(standardDeviationQ, nameof(standardDeviationQ));
        double ratio = standardDeviationP / standardDeviationQ;
        double scaledGap = (meanP - meanQ) / standardDeviationQ;
        // Written through the ratio, as torch does, so that equal σ gives exactly ln 1 = 0.
        return 0.5 * (ratio * ratio + scaledGap * scaledGap - 1.0) - Math.Log(ratio);
    }

    /// <summary>
    /// KL(Laplace(μ_P, b_P) ‖ Laplace(μ_Q, b_Q)) = ln(b_Q/b_P) + |μ_P − μ_Q|/b_Q + (b_P/b_Q)·exp(−|μ_P − μ_Q|/b_P) − 1.
    /// </summary>
    /// <param name="locationP">μ of P, finite.</param>
    /// <param name="scaleP">b of P, positive and finite.</param>
    /// <param name="locationQ">μ of Q, finite.</param>
    /// <param name="scaleQ">b of Q, positive and finite.</param>
    /// <returns>The divergence in nats.</returns>
    /// <exception cref="ArgumentException">A location is not finite or a scale is not positive and finite.</exception>
    public static double Laplace(double locationP, double scaleP, double locationQ, double scaleQ)
    {
        RequireFinite(locationP, nameof(locationP));
        RequirePositive(scaleP, nameof(scaleP));
        RequireFinite(locationQ, nameof(locationQ));
        RequirePositive(scaleQ, nameof(scaleQ));
        double gap = Math.Abs(locationP - locationQ);
        double ratio = scaleP / scaleQ;
        return -Math.Log(ratio) + gap / scaleQ + ratio * Math.Exp(-gap / scaleP) - 1.0;
    }

    /// <summary>KL(Bernoulli(p) ‖ Bernoulli(q)) = p ln(p/q) + (1 − p) ln((1 − p)/(1 − q)), with 0·ln 0 = 0.</summary>
    /// <param name="probabilityP">P's probability of 1, in [0, 1].</param>
    /// <param name="probabilityQ">Q's probability of 1, in [0, 1].</param>
    /// <returns>The divergence in nats; +∞ where Q gives probability 0 to an outcome P can produce.</returns>
    /// <exception cref="ArgumentException">A probability is outside [0, 1] or NaN.</exception>
    public static double Bernoulli(double probabilityP, double probabilityQ)
    {
        RequireProbability(probabilityP, nameof(probabilityP));
        RequireProbability(probabilityQ, nameof(probabilityQ));
        return RelativeEntropyTerm(probabilityP, probabilityQ) + RelativeEntropyTerm(1.0 - probabilityP, 1.0 - probabilityQ);
    }

    /// <summary>
    /// KL(Categorical(p) ‖ Categorical(q)): each probability vector is divided by its sum (as torch's Categorical
    /// does), then <see cref="InformationTheory.KullbackLeibler(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/>.
    /// </summary>
    /// <param name="probabilitiesP">P's (unnormalized) probabilities: finite, non-negative, not all zero.</param>
    /// <param name="probabilitiesQ">Q's, as many as P's.</param>
    /// <returns>The divergence in nats; +∞ where Q has a zero that P does not.</returns>
    /// <exception cref="ArgumentException">The vectors are empty, of different lengths, all zero, or have a bad entry (named with its index).</exception>
    public static double Categorical(ReadOnlySpan<double> probabilitiesP, ReadOnlySpan<double> probabilitiesQ) =>
        InformationTheory.KullbackLeibler(probabilitiesP, probabilitiesQ);

    /// <summary>
    /// KL(Dir(α) ‖ Dir(β)) = ln Γ(α₀) − Σ ln Γ(αᵢ) − ln Γ(β₀) + Σ ln Γ(βᵢ) + Σ (αᵢ − βᵢ)(ψ(αᵢ) − ψ(α₀)),
    /// with α₀ = Σ αᵢ, β₀ = Σ βᵢ and ψ the digamma function.
    /// </summary>
    /// <param name="concentrationP">α: positive, finite concentrations.</param>
    /// <param name="concentrationQ">β: as many as α, positive and finite.</param>
    /// <returns>The divergence in nats.</returns>
    /// <exception cref="ArgumentException">The vectors are empty or of different lengths, or a concentration is not positive and finite (named with its index).</exception>
    public static double Dirichlet(ReadOnlySpan<double> concentrationP, ReadOnlySpan<double> concentrationQ)
    {
        RequireSameLength(concentrationP.Length, concentrationQ.Length, nameof(concentrationP), nameof(concentrationQ));
        double totalP = 0.0;
        double totalQ = 0.0;
        for (int i = 0; i < concentrationP.Length; i++)
        {
            RequirePositive(concentrationP[i], nameof(concentrationP), i);
            RequirePositive(concentrationQ[i], nameof(concentrationQ), i);
            totalP += concentrationP[i];
            totalQ += concentrationQ[i];
        }
        double digammaTotalP = SpecialFunctions.DiGamma(totalP);
        double divergence = SpecialFunctions.GammaLn(totalP) - SpecialFunctions.GammaLn(totalQ);
        for (int i = 0; i < concentrationP.Length; i++)
        {
            double alpha = concentrationP[i];
            double beta = concentrationQ[i];
            divergence += SpecialFunctions.GammaLn(beta) - SpecialFunctions.GammaLn(alpha)
                + (alpha - beta) * (SpecialFunctions.DiGamma(alpha) - digammaTotalP);
        }
        return divergence;
    }

    /// <summary>
    /// KL(N(μ_P, Σ_P) ‖ N(μ_Q, Σ_Q)) = ½[tr(Σ_Q⁻¹Σ_P) + (μ_Q − μ_P)ᵀΣ_Q⁻¹(μ_Q − μ_P) − k + ln det Σ_Q − ln det Σ_P],
    /// evaluated through the Cholesky factors L_P, L_Q (tr = ‖L_Q⁻¹L_P‖²_F) so that no inverse is formed.
    /// </summary>
    /// <param name="meanP">μ_P, k finite entries.</param>
    /// <param name="covarianceP">Σ_P, k × k, symmetric positive definite.</param>
    /// <param name="meanQ">μ_Q, k finite entries.</param>
    /// <param name="covarianceQ">Σ_Q, k × k, symmetric positive definite.</param>
    /// <returns>The divergence in nats.</returns>
    /// <exception cref="ArgumentException">
    /// The means are empty or of different lengths or not finite, or a covariance has the wrong shape, a non-finite
    /// entry, is not symmetric or is not positive definite.
    /// </exception>
    /// <exception cref="ArgumentNullException">A covariance is null.</exception>
    public static double MultivariateNormal(
        ReadOnlySpan<double> meanP, double[,] covarianceP, ReadOnlySpan<double> meanQ, double[,] covarianceQ)
    {
        RequireSameLength(meanP.Length, meanQ.Length, nameof(meanP), nameof(meanQ));
        int dimension = meanP.Length;
        var factorP = CholeskyFactor.Factor(covarianceP, dimension, nameof(covarianceP));
        var factorQ = CholeskyFactor.Factor(covarianceQ, dimension, nameof(covarianceQ));

        var work = new double[dimension];
        double trace = 0.0;
        for (int column = 0; column < dimension; column++)
        {
            factorP.CopyColumn(column, work);
            factorQ.SolveLowerInPlace(work);
            trace += SumOfSquares(work);
        }
        for (int i = 0; i < dimension; i++)
        {
            RequireFinite(meanP[i], nameof(meanP), i);
            RequireFinite(meanQ[i], nameof(meanQ), i);
            work[i] = meanQ[i] - meanP[i];
        }
        factorQ.SolveLowerInPlace(work);
        double mahalanobis = SumOfSquares(work);
        return 0.5 * (trace + mahalanobis - dimension + factorQ.LogDeterminant - factorP.LogDeterminant);
    }

    /// <summary>
    /// KL between multivariate normals with diagonal covariances (independent coordinates): the sum over coordinates
    /// of ½[v_P/v_Q + (μ_Q − μ_P)²/v_Q − 1 + ln v_Q − ln v_P].
    /// </summary>
    /// <param name="meanP">μ_P, k finite entries.</param>
    /// <param name="varianceP">The diagonal of Σ_P (variances, not standard deviations): k positive, finite entries.</param>
    /// <param name="meanQ">μ_Q, k finite entries.</param>
    /// <param name="varianceQ">The diagonal of Σ_Q: k positive, finite entries.</param>
    /// <returns>The divergence in nats.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0, a mean is not finite, or a variance is not positive and finite (named with its index).</exception>
    public static double MultivariateNormalDiagonal(
        ReadOnlySpan<double> meanP, ReadOnlySpan<double> varianceP, ReadOnlySpan<double> meanQ, ReadOnlySpan<double> varianceQ)
    {
        RequireSameLength(meanP.Length, meanQ.Length, nameof(meanP), nameof(meanQ));
        RequireSameLength(meanP.Length, varianceP.Length, nameof(meanP), nameof(varianceP));
        RequireSameLength(meanP.Length, varianceQ.Length, nameof(meanP), nameof(varianceQ));
        double divergence = 0.0;
        for (int i = 0; i < meanP.Length; i++)
        {
            RequireFinite(meanP[i], nameof(meanP), i);
            RequireFinite(meanQ[i], nameof(meanQ), i);
            RequirePositive(varianceP[i], nameof(varianceP), i);
            RequirePositive(varianceQ[i], nameof(varianceQ), i);
            double ratio = varianceP[i] / varianceQ[i];
            double gap = meanQ[i] - meanP[i];
            divergence += 0.5 * (ratio + gap * gap / varianceQ[i] - 1.0 - Math.Log(ratio));
        }
        return divergence;
    }

    private static double RelativeEntropyTerm(double p, double q) =>
        p == 0.0 ? 0.0 : q == 0.0 ? double.PositiveInfinity : p * Math.Log(p / q);

    private static double SumOfSquares(ReadOnlySpan<double> values)
    {
        double sum = 0.0;
        foreach (double value in values)
        {
            sum += value * value;
        }
        return sum;
    }

    private static void RequireSameLength(int lengthP, int lengthQ, string nameP, string nameQ)
    {
        if (lengthP == 0)
        {
            throw new ArgumentException($"{nameP} is empty.", nameP);
        }
        if (lengthQ != lengthP)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{nameQ} has length {lengthQ} but {nameP} has length {lengthP}; they must be equal."),
                nameQ);
        }
    }

    private static void RequireFinite(double value, string name, int index = -1)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{Label(name, index)} must be finite (was {value})."), name);
        }
    }

    private static void RequirePositive(double value, string name, int index = -1)
    {
        if (!(value > 0.0) || !double.IsFinite(value))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{Label(name, index)} must be positive and finite (was {value})."), name);
        }
    }

    private static void RequireProbability(double value, string name)
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} must be a probability in [0, 1] (was {value})."), name);
        }
    }

    private static string Label(string name, int index) =>
        index < 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]");
}

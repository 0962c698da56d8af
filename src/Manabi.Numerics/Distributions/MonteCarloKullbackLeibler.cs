using System.Globalization;

namespace Manabi.Numerics.Distributions;

/// <summary>
/// Estimates KL(P‖Q) = E_P[log p(x) − log q(x)] by sampling from P, for any pair of distributions whose log-densities
/// can be evaluated: the fallback where no closed form (see <see cref="KullbackLeiblerDivergence"/>) exists.
/// </summary>
public static class MonteCarloKullbackLeibler
{
    /// <summary>
    /// Draws <paramref name="samples"/> values x ~ P and averages log p(x) − log q(x). The estimate is unbiased; its
    /// standard error shrinks as 1/√samples. A fixed <paramref name="seed"/> makes the result reproducible.
    /// </summary>
    /// <typeparam name="T">The sample type: a double for scalar distributions, an array for vectors, and so on.</typeparam>
    /// <param name="sampleP">Draws one sample from P using the given generator (and no other randomness).</param>
    /// <param name="logDensityP">log p(x), the log-density (or log-probability) of P.</param>
    /// <param name="logDensityQ">log q(x), the log-density of Q; −∞ where Q has no mass makes the estimate +∞.</param>
    /// <param name="samples">How many samples to draw; at least 2, so that a standard error exists.</param>
    /// <param name="seed">The seed of the <see cref="Random"/> passed to <paramref name="sampleP"/>.</param>
    /// <returns>The estimate in nats, its standard error, and the sample count.</returns>
    /// <exception cref="ArgumentNullException">A delegate is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is below 2, or a log-density returned NaN or log p(x) was ±∞ at a sample (the message says which sample).</exception>
    public static MonteCarloEstimate Estimate<T>(
        Func<Random, T> sampleP, Func<T, double> logDensityP, Func<T, double> logDensityQ, int samples, int seed)
    {
        ArgumentNullException.ThrowIfNull(sampleP);
        ArgumentNullException.ThrowIfNull(logDensityP);
        ArgumentNullException.ThrowIfNull(logDensityQ);
        if (samples < 2)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"samples must be at least 2 (was {samples})."), nameof(samples));
        }

        var random = new Random(seed);
        // Welford's running mean and sum of squared deviations: stable for long runs.
        double mean = 0.0;
        double squaredDeviations = 0.0;
        for (int index = 0; index < samples; index++)
        {
            T sample = sampleP(random);
            double logP = logDensityP(sample);
            double logQ = logDensityQ(sample);
            if (!double.IsFinite(logP))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"logDensityP returned {logP} at sample {index}; a sample drawn from P must have finite log-density."),
                    nameof(logDensityP));
            }
            if (double.IsNaN(logQ) || logQ == double.PositiveInfinity)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"logDensityQ returned {logQ} at sample {index}."),
                    nameof(logDensityQ));
            }
            if (logQ == double.NegativeInfinity)
            {
                // P puts mass where Q has none: the divergence is infinite, whatever the other samples say.
                return new MonteCarloEstimate(double.PositiveInfinity, double.PositiveInfinity, samples);
            }
            double logRatio = logP - logQ;
            double delta = logRatio - mean;
            mean += delta / (index + 1);
            squaredDeviations += delta * (logRatio - mean);
        }
        double variance = squaredDeviations / (samples - 1);
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / samples), samples);
    }
}

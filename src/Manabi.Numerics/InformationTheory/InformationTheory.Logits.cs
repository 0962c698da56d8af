using System.Globalization;
using System.Numerics.Tensors;

namespace Manabi.Numerics;

public static partial class InformationTheory
{
    // Entries per chunk of the stack buffer used to exponentiate shifted logits.
    private const int ExpChunkLength = 256;

    /// <summary>
    /// log Σ exp(vᵢ), computed as max + log Σ exp(vᵢ − max) so that it neither overflows nor underflows.
    /// </summary>
    /// <param name="values">The exponents; −∞ entries contribute nothing.</param>
    /// <returns>The log-sum-exp: +∞ if any value is +∞, −∞ if all are −∞.</returns>
    /// <exception cref="ArgumentException">The input is empty or has a NaN; the message names the index.</exception>
    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("values is empty: log-sum-exp needs at least one value.", nameof(values));
        }
        // IndexOfMax returns the first NaN when there is one, so this finds the maximum and any NaN in one pass.
        int maxIndex = TensorPrimitives.IndexOfMax(values);
        double max = values[maxIndex];
        if (double.IsNaN(max))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"values[{maxIndex}] is NaN."), nameof(values));
        }
        return double.IsInfinity(max) ? max : max + Math.Log(SumOfShiftedExponentials(values, max));
    }

    /// <summary>
    /// The entropy of softmax(<paramref name="logits"/>), computed from log-probabilities (logitᵢ − log-sum-exp)
    /// without forming tiny probabilities' logarithms, so it stays accurate for very peaked distributions.
    /// </summary>
    /// <param name="logits">Unnormalized log-probabilities; −∞ marks a probability of exactly 0.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <returns>The entropy.</returns>
    /// <exception cref="ArgumentException">The input is empty, has a NaN or +∞, or is all −∞.</exception>
    public static double EntropyFromLogits(ReadOnlySpan<double> logits, LogBase logBase = default)
    {
        double naturalLogOfBase = logBase.NaturalLogarithm;
        double logNormalizer = ValidatedLogSumExp(logits, nameof(logits));
        double entropy = 0.0;
        foreach (double logit in logits)
        {
            if (logit != double.NegativeInfinity)
            {
                // p·(−log p) with −log p = lse − logit ≥ 0: every term is non-negative, so nothing cancels.
                entropy += Math.Exp(logit - logNormalizer) * (logNormalizer - logit);
            }
        }
        return entropy / naturalLogOfBase;
    }

    /// <summary>
    /// The cross-entropy −Σ pᵢ log qᵢ with q = softmax(<paramref name="logitsQ"/>), as a classification loss with soft
    /// targets. <paramref name="p"/> is divided by its sum, like the other methods' default.
    /// </summary>
    /// <param name="p">The target distribution: finite, non-negative entries, not all zero.</param>
    /// <param name="logitsQ">The model's logits, as long as <paramref name="p"/>; −∞ marks qᵢ = 0.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <returns>The cross-entropy; +∞ when some pᵢ &gt; 0 has a logit of −∞.</returns>
    /// <exception cref="ArgumentException">An input is empty, the lengths differ, p has a bad entry or is all zeros, or a logit is NaN or +∞, or all are −∞.</exception>
    public static double CrossEntropyFromLogits(ReadOnlySpan<double> p, ReadOnlySpan<double> logitsQ, LogBase logBase = default)
    {
        double naturalLogOfBase = logBase.NaturalLogarithm;
        ProbabilityValidation.EnsureShape(p.Length, logitsQ.Length, nameof(p), nameof(logitsQ), pairwise: true);
        double sumP = ProbabilityValidation.ValidateAndSum(p, nameof(p), ProbabilityValidation.NoRow);
        ProbabilityValidation.EnsureNormalizable(sumP, nameof(p), ProbabilityValidation.NoRow);
        double logNormalizerQ = ValidatedLogSumExp(logitsQ, nameof(logitsQ));
        double crossEntropy = 0.0;
        for (int index = 0; index < p.Length; index++)
        {
            if (p[index] != 0.0)
            {
                // A logit of −∞ gives +∞ here, as log 0 should.
                crossEntropy += p[index] / sumP * (logNormalizerQ - logitsQ[index]);
            }
        }
        return crossEntropy / naturalLogOfBase;
    }

    /// <summary>
    /// KL(softmax(<paramref name="logitsP"/>) ‖ softmax(<paramref name="logitsQ"/>)), from log-probabilities, so it
    /// stays accurate where the probabilities underflow.
    /// </summary>
    /// <param name="logitsP">The logits of p; −∞ marks pᵢ = 0.</param>
    /// <param name="logitsQ">The logits of q, as long as <paramref name="logitsP"/>; −∞ marks qᵢ = 0.</param>
    /// <param name="logBase">The unit of the result; nats by default.</param>
    /// <returns>The divergence; +∞ when some pᵢ &gt; 0 has qᵢ = 0.</returns>
    /// <exception cref="ArgumentException">An input is empty, the lengths differ, or a logit is NaN or +∞, or all of an input are −∞.</exception>
    public static double KullbackLeiblerFromLogits(ReadOnlySpan<double> logitsP, ReadOnlySpan<double> logitsQ, LogBase logBase = default)
    {
        double naturalLogOfBase = logBase.NaturalLogarithm;
        ProbabilityValidation.EnsureShape(logitsP.Length, logitsQ.Length, nameof(logitsP), nameof(logitsQ), pairwise: true);
        double logNormalizerP = ValidatedLogSumExp(logitsP, nameof(logitsP));
        double logNormalizerQ = ValidatedLogSumExp(logitsQ, nameof(logitsQ));
        double divergence = 0.0;
        for (int index = 0; index < logitsP.Length; index++)
        {
            if (logitsP[index] != double.NegativeInfinity)
            {
                double logP = logitsP[index] - logNormalizerP;
                double logQ = logitsQ[index] - logNormalizerQ;
                divergence += Math.Exp(logP) * (logP - logQ);
            }
        }
        return divergence / naturalLogOfBase;
    }

    /// <summary>
    /// The batch-mean Kullback-Leibler divergence of PyTorch's
    /// <c>F.kl_div(input, target, reduction="batchmean")</c>: Σ targetᵢⱼ·(log targetᵢⱼ − inputᵢⱼ) / rows, where
    /// <paramref name="inputLogProbabilities"/> holds log q row by row. Nothing is renormalized: the values are used
    /// as given, and a zero target contributes 0.
    /// </summary>
    /// <param name="target">The target probabilities p, rows × <paramref name="columns"/>, row after row.</param>
    /// <param name="inputLogProbabilities">log q, of the same shape as <paramref name="target"/>.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the length.</param>
    /// <returns>The summed divergence divided by the number of rows, in nats.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, a target entry is negative, NaN or infinite, or an input entry is NaN or +∞.</exception>
    public static double KullbackLeiblerBatchMean(ReadOnlySpan<double> target, ReadOnlySpan<double> inputLogProbabilities, int columns)
    {
        if (columns <= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"columns must be positive (was {columns})."), nameof(columns));
        }
        ProbabilityValidation.EnsureShape(target.Length, inputLogProbabilities.Length, nameof(target), nameof(inputLogProbabilities), pairwise: true);
        if (target.Length % columns != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"target has length {target.Length}, which is not a whole number of rows of {columns} columns."),
                nameof(target));
        }
        ProbabilityValidation.ValidateAndSum(target, nameof(target), ProbabilityValidation.NoRow);
        double total = 0.0;
        for (int index = 0; index < target.Length; index++)
        {
            double logQ = inputLogProbabilities[index];
            if (double.IsNaN(logQ) || logQ == double.PositiveInfinity)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"inputLogProbabilities[{index}] is {logQ}; log-probabilities must not be NaN or +∞."),
                    nameof(inputLogProbabilities));
            }
            double p = target[index];
            if (p != 0.0)
            {
                total += p * (Math.Log(p) - logQ);
            }
        }
        return total / (target.Length / columns);
    }

    /// <summary>Log-sum-exp of logits that must be real or −∞ (NaN and +∞ are rejected), not all −∞.</summary>
    private static double ValidatedLogSumExp(ReadOnlySpan<double> logits, string name)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException($"{name} is empty: a distribution needs at least one entry.", name);
        }
        for (int index = 0; index < logits.Length; index++)
        {
            double logit = logits[index];
            if (double.IsNaN(logit) || logit == double.PositiveInfinity)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"{name}[{index}] is {logit}; logits must be finite or −∞."),
                    name);
            }
        }
        double max = TensorPrimitives.Max(logits);
        if (max == double.NegativeInfinity)
        {
            throw new ArgumentException($"{name} is all −∞: no entry has positive probability.", name);
        }
        return max + Math.Log(SumOfShiftedExponentials(logits, max));
    }

    /// <summary>Σ exp(vᵢ − shift), in stack-buffer chunks so that exp is vectorized without allocating.</summary>
    private static double SumOfShiftedExponentials(ReadOnlySpan<double> values, double shift)
    {
        Span<double> buffer = stackalloc double[Math.Min(values.Length, ExpChunkLength)];
        double sum = 0.0;
        for (int start = 0; start < values.Length; start += buffer.Length)
        {
            int length = Math.Min(buffer.Length, values.Length - start);
            Span<double> chunk = buffer[..length];
            TensorPrimitives.Subtract(values.Slice(start, length), shift, chunk);
            TensorPrimitives.Exp(chunk, chunk);
            sum += TensorPrimitives.Sum(chunk);
        }
        return sum;
    }
}

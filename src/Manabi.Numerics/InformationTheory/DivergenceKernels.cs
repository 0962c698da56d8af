using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Numerics;

/// <summary>
/// The vectorized inner loops behind <see cref="InformationTheory"/>. Inputs are processed in chunks that fit in L1
/// cache: each chunk is normalized and turned into the argument of one logarithm per entry (with zeros replaced so
/// that the scipy conventions come out exactly), then <c>TensorPrimitives.Log</c>
/// and <c>TensorPrimitives.Dot</c> finish it.
/// Every quantity is the same floating-point expression scipy evaluates (x·log(x/y) after dividing by the sums),
/// so results agree with scipy to rounding.
/// </summary>
[SkipLocalsInit]
internal static class DivergenceKernels
{
    /// <summary>Entries per chunk: six chunk buffers of doubles stay within 24 KiB of stack.</summary>
    internal const int ChunkLength = 512;

    private const int BuffersPerChunk = 6;

    /// <summary>The scratch length <see cref="Evaluate{T}"/> needs for vectors of <paramref name="length"/> entries.</summary>
    internal static int ScratchLength(int length) => BuffersPerChunk * Math.Min(length, ChunkLength);

    /// <summary>
    /// Evaluates <paramref name="measure"/> in nats (the Jensen-Shannon divergence, not the distance).
    /// The caller has checked that p is non-empty and that q has p's length (q is ignored for entropy).
    /// </summary>
    internal static double Evaluate<T>(
        DivergenceMeasure measure, ReadOnlySpan<T> p, ReadOnlySpan<T> q, bool normalize, int row, Span<double> scratch,
        string nameP, string nameQ)
        where T : unmanaged
    {
        bool pairwise = measure != DivergenceMeasure.Entropy;
        double sumP = ProbabilityValidation.ValidateAndSum(p, nameP, row);
        double sumQ = pairwise ? ProbabilityValidation.ValidateAndSum(q, nameQ, row) : 1.0;
        double divisorP = 1.0;
        double divisorQ = 1.0;
        if (normalize)
        {
            ProbabilityValidation.EnsureNormalizable(sumP, nameP, row);
            divisorP = sumP;
            if (pairwise)
            {
                ProbabilityValidation.EnsureNormalizable(sumQ, nameQ, row);
                divisorQ = sumQ;
            }
        }

        int chunk = Math.Min(p.Length, ChunkLength);
        Span<double> widenedP = scratch.Slice(0, chunk);
        Span<double> widenedQ = scratch.Slice(chunk, chunk);
        Span<double> first = scratch.Slice(2 * chunk, chunk);
        Span<double> second = scratch.Slice(3 * chunk, chunk);
        Span<double> third = scratch.Slice(4 * chunk, chunk);
        Span<double> fourth = scratch.Slice(5 * chunk, chunk);

        double total = 0.0;
        for (int start = 0; start < p.Length; start += chunk)
        {
            int length = Math.Min(chunk, p.Length - start);
            ReadOnlySpan<double> x = AsDoubles(p.Slice(start, length), widenedP);
            ReadOnlySpan<double> y = pairwise ? AsDoubles(q.Slice(start, length), widenedQ) : default;
            total += measure switch
            {
                DivergenceMeasure.Entropy => EntropyChunk(x, divisorP, first[..length], second[..length]),
                DivergenceMeasure.CrossEntropy => CrossEntropyChunk(x, y, divisorP, divisorQ, first[..length], second[..length]),
                DivergenceMeasure.KullbackLeibler => KullbackLeiblerChunk(x, y, divisorP, divisorQ, first[..length], second[..length]),
                DivergenceMeasure.JensenShannon => JensenShannonChunk(
                    x, y, divisorP, divisorQ, first[..length], second[..length], third[..length], fourth[..length]),
                DivergenceMeasure.HalfJeffreys => HalfJeffreysChunk(
                    x, y, divisorP, divisorQ, first[..length], second[..length]),
                _ => throw new ArgumentOutOfRangeException(nameof(measure)),
            };
        }

        // Entropies are minus a sum of x·log(·); "0.0 - total" keeps an exact zero positive.
        return measure switch
        {
            DivergenceMeasure.Entropy or DivergenceMeasure.CrossEntropy => 0.0 - total,
            DivergenceMeasure.JensenShannon or DivergenceMeasure.HalfJeffreys => 0.5 * total,
            _ => total,
        };
    }

    /// <summary>The span itself for doubles; floats are widened into <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<double> AsDoubles<T>(ReadOnlySpan<T> source, Span<double> buffer)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return MemoryMarshal.Cast<T, double>(source);
        }
        ReadOnlySpan<float> floats = MemoryMarshal.Cast<T, float>(source);
        Span<double> destination = buffer[..floats.Length];
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; index <= floats.Length - Vector<float>.Count; index += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(floats), (nuint)index), out Vector<double> low, out Vector<double> high);
                low.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)index);
                high.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)(index + Vector<double>.Count));
            }
        }
        for (; index < floats.Length; index++)
        {
            destination[index] = floats[index];
        }
        return destination;
    }

    /// <summary>Σ a·log a with a = x / divisor; a = 0 takes log 1 = 0, so 0·log 0 counts as 0.</summary>
    private static double EntropyChunk(ReadOnlySpan<double> x, double divisor, Span<double> normalized, Span<double> logArgument)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var divisorVector = new Vector<double>(divisor);
            for (; index <= x.Length - Vector<double>.Count; index += Vector<double>.Count)
            {
                var a = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)index) / divisorVector;
                a.StoreUnsafe(ref MemoryMarshal.GetReference(normalized), (nuint)index);
                Vector.ConditionalSelect(Vector.Equals(a, Vector<double>.Zero), Vector<double>.One, a)
                    .StoreUnsafe(ref MemoryMarshal.GetReference(logArgument), (nuint)index);
            }
        }
        for (; index < x.Length; index++)
        {
            double a = x[index] / divisor;
            normalized[index] = a;
            logArgument[index] = a == 0.0 ? 1.0 : a;
        }
        TensorPrimitives.Log(logArgument, logArgument);
        return TensorPrimitives.Dot(normalized, logArgument);
    }

    /// <summary>
    /// Σ a·log b with a = x / divisorP, b = y / divisorQ; a = 0 takes log 1 (contributes 0 even where b = 0),
    /// a &gt; 0 with b = 0 gives log 0 = −∞, so the sum (and, negated, the cross-entropy's +∞) is exact.
    /// </summary>
    private static double CrossEntropyChunk(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, double divisorP, double divisorQ,
        Span<double> normalized, Span<double> logArgument)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var divisorPVector = new Vector<double>(divisorP);
            var divisorQVector = new Vector<double>(divisorQ);
            for (; index <= x.Length - Vector<double>.Count; index += Vector<double>.Count)
            {
                var a = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)index) / divisorPVector;
                var b = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(y), (nuint)index) / divisorQVector;
                a.StoreUnsafe(ref MemoryMarshal.GetReference(normalized), (nuint)index);
                Vector.ConditionalSelect(Vector.Equals(a, Vector<double>.Zero), Vector<double>.One, b)
                    .StoreUnsafe(ref MemoryMarshal.GetReference(logArgument), (nuint)index);
            }
        }
        for (; index < x.Length; index++)
        {
            double a = x[index] / divisorP;
            normalized[index] = a;
            logArgument[index] = a == 0.0 ? 1.0 : y[index] / divisorQ;
        }
        TensorPrimitives.Log(logArgument, logArgument);
        return TensorPrimitives.Dot(normalized, logArgument);
    }

    /// <summary>
    /// Σ a·log(a/b) (scipy's rel_entr); a = 0 takes log 1 (contributes 0 even where b = 0), a &gt; 0 with b = 0
    /// gives a/0 = +∞ and so +∞.
    /// </summary>
    private static double KullbackLeiblerChunk(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, double divisorP, double divisorQ,
        Span<double> normalized, Span<double> logArgument)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var divisorPVector = new Vector<double>(divisorP);
            var divisorQVector = new Vector<double>(divisorQ);
            for (; index <= x.Length - Vector<double>.Count; index += Vector<double>.Count)
            {
                var a = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)index) / divisorPVector;
                var b = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(y), (nuint)index) / divisorQVector;
                a.StoreUnsafe(ref MemoryMarshal.GetReference(normalized), (nuint)index);
                Vector.ConditionalSelect(Vector.Equals(a, Vector<double>.Zero), Vector<double>.One, a / b)
                    .StoreUnsafe(ref MemoryMarshal.GetReference(logArgument), (nuint)index);
            }
        }
        for (; index < x.Length; index++)
        {
            double a = x[index] / divisorP;
            normalized[index] = a;
            logArgument[index] = a == 0.0 ? 1.0 : a / (y[index] / divisorQ);
        }
        TensorPrimitives.Log(logArgument, logArgument);
        return TensorPrimitives.Dot(normalized, logArgument);
    }

    /// <summary>
    /// Σ a·log(a/m) + Σ b·log(b/m) with m = (a + b) / 2, as scipy's jensenshannon; wherever a or b is positive so is m,
    /// so every term is finite.
    /// </summary>
    private static double JensenShannonChunk(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, double divisorP, double divisorQ,
        Span<double> normalizedP, Span<double> normalizedQ, Span<double> logArgumentP, Span<double> logArgumentQ)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var divisorPVector = new Vector<double>(divisorP);
            var divisorQVector = new Vector<double>(divisorQ);
            var two = new Vector<double>(2.0);
            for (; index <= x.Length - Vector<double>.Count; index += Vector<double>.Count)
            {
                var a = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)index) / divisorPVector;
                var b = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(y), (nuint)index) / divisorQVector;
                var m = (a + b) / two;
                a.StoreUnsafe(ref MemoryMarshal.GetReference(normalizedP), (nuint)index);
                b.StoreUnsafe(ref MemoryMarshal.GetReference(normalizedQ), (nuint)index);
                Vector.ConditionalSelect(Vector.Equals(a, Vector<double>.Zero), Vector<double>.One, a / m)
                    .StoreUnsafe(ref MemoryMarshal.GetReference(logArgumentP), (nuint)index);
                Vector.ConditionalSelect(Vector.Equals(b, Vector<double>.Zero), Vector<double>.One, b / m)
                    .StoreUnsafe(ref MemoryMarshal.GetReference(logArgumentQ), (nuint)index);
            }
        }
        for (; index < x.Length; index++)
        {
            double a = x[index] / divisorP;
            double b = y[index] / divisorQ;
            double m = (a + b) / 2.0;
            normalizedP[index] = a;
            normalizedQ[index] = b;
            logArgumentP[index] = a == 0.0 ? 1.0 : a / m;
            logArgumentQ[index] = b == 0.0 ? 1.0 : b / m;
        }
        TensorPrimitives.Log(logArgumentP, logArgumentP);
        TensorPrimitives.Log(logArgumentQ, logArgumentQ);
        return TensorPrimitives.Dot(normalizedP, logArgumentP) + TensorPrimitives.Dot(normalizedQ, logArgumentQ);
    }

    /// <summary>
    /// Σ (a − b)·log(a/b) = KL(p‖q) + KL(q‖p) with one logarithm per entry. a = b = 0 takes log 1 (0); a = 0 &lt; b gives
    /// (−b)·log 0 = +∞ and b = 0 &lt; a gives a·log ∞ = +∞, the same infinities the two KL terms have.
    /// </summary>
    private static double HalfJeffreysChunk(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, double divisorP, double divisorQ,
        Span<double> difference, Span<double> logArgument)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var divisorPVector = new Vector<double>(divisorP);
            var divisorQVector = new Vector<double>(divisorQ);
            for (; index <= x.Length - Vector<double>.Count; index += Vector<double>.Count)
            {
                var a = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)index) / divisorPVector;
                var b = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(y), (nuint)index) / divisorQVector;
                (a - b).StoreUnsafe(ref MemoryMarshal.GetReference(difference), (nuint)index);
                var bothZero = Vector.Equals(a, Vector<double>.Zero) & Vector.Equals(b, Vector<double>.Zero);
                Vector.ConditionalSelect(bothZero, Vector<double>.One, a / b).StoreUnsafe(ref MemoryMarshal.GetReference(logArgument), (nuint)index);
            }
        }
        for (; index < x.Length; index++)
        {
            double a = x[index] / divisorP;
            double b = y[index] / divisorQ;
            difference[index] = a - b;
            logArgument[index] = a == 0.0 && b == 0.0 ? 1.0 : a / b;
        }
        TensorPrimitives.Log(logArgument, logArgument);
        return TensorPrimitives.Dot(difference, logArgument);
    }
}

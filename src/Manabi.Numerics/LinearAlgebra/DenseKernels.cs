using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Manabi.Numerics.LinearAlgebra;

/// <summary>
/// The few vector kernels that the eigensolver calls in its inner loops (dot product, scaled add, quotient).
/// </summary>
/// <remarks>
/// System.Numerics.Tensors' generic kernels were seen to keep running unoptimized (tier-0) code in these loops long
/// after warm-up, doubling the time of the secular-equation phase; these are compiled optimized from the first call.
/// </remarks>
internal static class DenseKernels
{
    /// <summary>Σ x[i]·y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int length = Math.Min(x.Length, y.Length);
        ref double xRef = ref MemoryMarshal.GetReference(x);
        ref double yRef = ref MemoryMarshal.GetReference(y);
        int width = Vector<double>.Count;
        Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
        int i = 0;
        for (; i + 2 * width <= length; i += 2 * width)
        {
            acc0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xRef, (nuint)i), Vector.LoadUnsafe(ref yRef, (nuint)i), acc0);
            acc1 = Vector.FusedMultiplyAdd(
                Vector.LoadUnsafe(ref xRef, (nuint)(i + width)), Vector.LoadUnsafe(ref yRef, (nuint)(i + width)), acc1);
        }
        double sum = Vector.Sum(acc0 + acc1);
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref xRef, i) * Unsafe.Add(ref yRef, i);
        }
        return sum;
    }

    /// <summary>target[i] += scale·source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale)
    {
        int length = Math.Min(target.Length, source.Length);
        ref double tRef = ref MemoryMarshal.GetReference(target);
        ref double sRef = ref MemoryMarshal.GetReference(source);
        int width = Vector<double>.Count;
        var vScale = new Vector<double>(scale);
        int i = 0;
        for (; i + width <= length; i += width)
        {
            Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref sRef, (nuint)i), vScale, Vector.LoadUnsafe(ref tRef, (nuint)i))
                .StoreUnsafe(ref tRef, (nuint)i);
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref tRef, i) += scale * Unsafe.Add(ref sRef, i);
        }
    }

    /// <summary>target[i] ← numerator[i] / target[i]; returns Σ target[i]² of the quotients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double DivideIntoAndSumSquares(ReadOnlySpan<double> numerator, Span<double> target)
    {
        int length = Math.Min(target.Length, numerator.Length);
        ref double tRef = ref MemoryMarshal.GetReference(target);
        ref double nRef = ref MemoryMarshal.GetReference(numerator);
        int width = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        int i = 0;
        for (; i + width <= length; i += width)
        {
            var q = Vector.LoadUnsafe(ref nRef, (nuint)i) / Vector.LoadUnsafe(ref tRef, (nuint)i);
            q.StoreUnsafe(ref tRef, (nuint)i);
            acc = Vector.FusedMultiplyAdd(q, q, acc);
        }
        double sum = Vector.Sum(acc);
        for (; i < length; i++)
        {
            double q = Unsafe.Add(ref nRef, i) / Unsafe.Add(ref tRef, i);
            Unsafe.Add(ref tRef, i) = q;
            sum += q * q;
        }
        return sum;
    }

    /// <summary>target[i] ×= scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<double> target, double scale)
    {
        ref double tRef = ref MemoryMarshal.GetReference(target);
        int width = Vector<double>.Count;
        var vScale = new Vector<double>(scale);
        int i = 0;
        for (; i + width <= target.Length; i += width)
        {
            (Vector.LoadUnsafe(ref tRef, (nuint)i) * vScale).StoreUnsafe(ref tRef, (nuint)i);
        }
        for (; i < target.Length; i++)
        {
            Unsafe.Add(ref tRef, i) *= scale;
        }
    }
}

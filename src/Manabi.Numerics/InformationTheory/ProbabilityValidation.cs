using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Manabi.Numerics;

/// <summary>
/// Checks probability-like inputs (non-negative and finite) while summing them, in one vectorized pass;
/// only when a bad entry exists is the input scanned again, to name its index in the message.
/// </summary>
internal static class ProbabilityValidation
{
    /// <summary>Marks a single vector (not a row of a matrix) in error messages.</summary>
    internal const int NoRow = -1;

    /// <summary>Sums <paramref name="values"/>, throwing if any entry is negative, NaN or infinite.</summary>
    internal static double ValidateAndSum<T>(ReadOnlySpan<T> values, string name, int row)
        where T : unmanaged
    {
        return typeof(T) == typeof(double)
            ? ValidateAndSum(MemoryMarshal.Cast<T, double>(values), name, row)
            : ValidateAndSum(MemoryMarshal.Cast<T, float>(values), name, row);
    }

    /// <summary>Throws if the input is empty, or if a second input's length differs from the first's.</summary>
    internal static void EnsureShape(int lengthP, int lengthQ, string nameP, string nameQ, bool pairwise)
    {
        if (lengthP == 0)
        {
            throw new ArgumentException($"{nameP} is empty: a distribution needs at least one entry.", nameP);
        }
        if (pairwise && lengthQ != lengthP)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{nameQ} has length {lengthQ} but {nameP} has length {lengthP}; they must be equal."),
                nameQ);
        }
    }

    /// <summary>Throws when a sum cannot serve as a normalizer (zero, or overflowed to infinity).</summary>
    internal static void EnsureNormalizable(double sum, string name, int row)
    {
        if (sum == 0.0)
        {
            throw new ArgumentException(
                $"{Describe(name, row)} is all zeros, so it cannot be normalized to a probability distribution.", name);
        }
        if (double.IsInfinity(sum))
        {
            throw new ArgumentException(
                $"{Describe(name, row)} sums past the largest double, so it cannot be normalized.", name);
        }
    }

    /// <summary>"p" for a vector, "p row 3" for a row of a matrix.</summary>
    internal static string Describe(string name, int row) =>
        row == NoRow ? name : string.Create(CultureInfo.InvariantCulture, $"{name} row {row}");

    /// <summary>"p[3]" for a vector, "p[2, 3]" (row 2, column 3) for a matrix.</summary>
    internal static string Element(string name, int row, int index) =>
        row == NoRow
            ? string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]")
            : string.Create(CultureInfo.InvariantCulture, $"{name}[{row}, {index}]");

    private static double ValidateAndSum(ReadOnlySpan<double> values, string name, int row)
    {
        int index = 0;
        double sum = 0.0;
        bool allValid = true;
        if (Vector.IsHardwareAccelerated && values.Length >= 2 * Vector<double>.Count)
        {
            int width = Vector<double>.Count;
            var zero = Vector<double>.Zero;
            var largest = new Vector<double>(double.MaxValue);
            var sum0 = Vector<double>.Zero;
            var sum1 = Vector<double>.Zero;
            var valid = Vector<long>.AllBitsSet;
            // NaN fails both comparisons, so one mask catches negative, NaN and infinite entries.
            for (; index <= values.Length - 2 * width; index += 2 * width)
            {
                var first = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)index);
                var second = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)(index + width));
                valid &= Vector.GreaterThanOrEqual(first, zero) & Vector.LessThanOrEqual(first, largest)
                    & Vector.GreaterThanOrEqual(second, zero) & Vector.LessThanOrEqual(second, largest);
                sum0 += first;
                sum1 += second;
            }
            sum = Vector.Sum(sum0 + sum1);
            allValid = valid == Vector<long>.AllBitsSet;
        }
        for (; index < values.Length; index++)
        {
            double value = values[index];
            allValid &= value >= 0.0 && value <= double.MaxValue;
            sum += value;
        }
        if (!allValid)
        {
            ThrowFirstInvalid(values, name, row);
        }
        return sum;
    }

    private static double ValidateAndSum(ReadOnlySpan<float> values, string name, int row)
    {
        int index = 0;
        double sum = 0.0;
        bool allValid = true;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            int width = Vector<float>.Count;
            var zero = Vector<float>.Zero;
            var largest = new Vector<float>(float.MaxValue);
            var sumLow = Vector<double>.Zero;
            var sumHigh = Vector<double>.Zero;
            var valid = Vector<int>.AllBitsSet;
            for (; index <= values.Length - width; index += width)
            {
                var chunk = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)index);
                valid &= Vector.GreaterThanOrEqual(chunk, zero) & Vector.LessThanOrEqual(chunk, largest);
                // Sum in double so that long float rows do not lose precision.
                Vector.Widen(chunk, out Vector<double> low, out Vector<double> high);
                sumLow += low;
                sumHigh += high;
            }
            sum = Vector.Sum(sumLow + sumHigh);
            allValid = valid == Vector<int>.AllBitsSet;
        }
        for (; index < values.Length; index++)
        {
            float value = values[index];
            allValid &= value >= 0f && value <= float.MaxValue;
            sum += value;
        }
        if (!allValid)
        {
            ThrowFirstInvalid(values, name, row);
        }
        return sum;
    }

    private static void ThrowFirstInvalid<T>(ReadOnlySpan<T> values, string name, int row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int index = 0; index < values.Length; index++)
        {
            T value = values[index];
            string problem = T.IsNaN(value) ? "is NaN"
                : T.IsInfinity(value) ? "is infinite"
                : T.IsNegative(value) && value != T.Zero ? "is negative"
                : string.Empty;
            if (problem.Length > 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"{Element(name, row, index)} {problem} ({value}); probabilities must be finite and non-negative."),
                    name);
            }
        }
    }
}

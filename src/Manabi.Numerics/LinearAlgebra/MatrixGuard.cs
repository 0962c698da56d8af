namespace Manabi.Numerics.LinearAlgebra;

/// <summary>Argument checks shared by the linear-algebra entry points; messages name the argument and position.</summary>
internal static class MatrixGuard
{
    public static void NotEmptyAndFinite(double[,] matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.GetLength(0) == 0 || matrix.GetLength(1) == 0)
        {
            throw new ArgumentException($"{name} must not be empty (it is {matrix.GetLength(0)}×{matrix.GetLength(1)}).", name);
        }
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                if (!double.IsFinite(matrix[i, j]))
                {
                    throw new ArgumentException($"{name}[{i}, {j}] is {matrix[i, j]}; all entries must be finite.", name);
                }
            }
        }
    }

    public static void Square(double[,] matrix, string name)
    {
        NotEmptyAndFinite(matrix, name);
        if (matrix.GetLength(0) != matrix.GetLength(1))
        {
            throw new ArgumentException(
                $"{name} must be square but is {matrix.GetLength(0)}×{matrix.GetLength(1)}.", name);
        }
    }

    /// <summary>Square, finite, and |a_ij − a_ji| ≤ tolerance·max|a| (relative to the largest entry).</summary>
    public static void Symmetric(double[,] matrix, string name, double relativeTolerance = 1e-10)
    {
        Square(matrix, name);
        int n = matrix.GetLength(0);
        double maxAbs = 0.0;
        foreach (double x in matrix)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(x));
        }
        double allowed = relativeTolerance * maxAbs;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Math.Abs(matrix[i, j] - matrix[j, i]) > allowed)
                {
                    throw new ArgumentException(
                        $"{name} must be symmetric: {name}[{i}, {j}] = {matrix[i, j]} but {name}[{j}, {i}] = {matrix[j, i]} " +
                        $"(allowed difference {allowed:G3}, relative tolerance {relativeTolerance:G3}).", name);
                }
            }
        }
    }
}

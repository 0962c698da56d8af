using MathNet.Numerics.LinearAlgebra;

namespace Manabi.Numerics.Tests.LinearAlgebra;

internal static class MatrixTestHelpers
{
    public static double[,] RandomSymmetric(int n, int seed)
    {
        var random = new Random(seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double x = random.NextDouble() * 2 - 1;
                a[i, j] = x;
                a[j, i] = x;
            }
        }
        return a;
    }

    public static double[,] RandomMatrix(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var a = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                a[i, j] = random.NextDouble() * 2 - 1;
            }
        }
        return a;
    }

    public static double[,] ToArray(System.Text.Json.JsonElement element)
    {
        int rows = element.GetArrayLength();
        int columns = element[0].GetArrayLength();
        var a = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                a[i, j] = element[i][j].GetDouble();
            }
        }
        return a;
    }

    /// <summary>A section of math-golden.json.</summary>
    public static System.Text.Json.JsonElement GoldenSection(string section) => MathGolden.Root.GetProperty(section);

    public static double MaxAbs(Matrix<double> m) => m.Enumerate().Select(Math.Abs).Max();
}

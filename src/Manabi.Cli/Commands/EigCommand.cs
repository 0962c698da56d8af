using System.CommandLine;
using System.Numerics;
using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi eig</c>: eigenvalues (and optionally eigenvectors) of a square matrix read from CSV.</summary>
public static class EigCommand
{
    /// <summary>
    /// Parts smaller than this fraction of the largest eigenvalue magnitude are rounding noise of the
    /// solver and print as 0, so a rotation prints <c>0,1</c> rather than <c>6E-17,1</c>.
    /// </summary>
    public const double RelativeZeroTolerance = 1e-12;

    /// <summary>Builds the <c>eig</c> command.</summary>
    public static Command Create()
    {
        var matrixOption = new Option<string>("--matrix")
        {
            Description = "CSV file with a square matrix, one row per line (blank lines and # comments skipped).",
            Required = true,
        };
        var symmetricOption = new Option<bool>("--symmetric") { Description = "The matrix is symmetric: use the symmetric solver (real eigenvalues; checked)." };
        var vectorsOption = new Option<bool>("--vectors") { Description = "With --symmetric: after a blank line, print the unit eigenvectors, one per line, in the order of the eigenvalues." };

        var command = new Command("eig",
            "Eigenvalues of a square matrix, one per line, sorted ascending by real part then imaginary part. " +
            "A real eigenvalue prints as 're'; a complex one as 're,im' (e.g. a 90° rotation prints '0,-1' and '0,1'). " +
            "Numbers use invariant culture and round-trip precision; parts below 1e-12 times the largest eigenvalue magnitude print as 0.")
        {
            matrixOption,
            symmetricOption,
            vectorsOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            string path = parseResult.GetValue(matrixOption)!;
            bool symmetric = parseResult.GetValue(symmetricOption);
            bool vectors = parseResult.GetValue(vectorsOption);
            if (vectors && !symmetric)
            {
                throw new InputException("--vectors needs --symmetric (eigenvectors are printed for symmetric matrices only).");
            }
            var table = NumericCsvReader.Read(path);
            double[,] matrix = table.ToMatrix();
            int n = matrix.GetLength(0);
            if (matrix.GetLength(1) != n)
            {
                throw new InputException($"{path}: the matrix has {n} rows and {matrix.GetLength(1)} columns; eig needs a square matrix.");
            }
            if (symmetric)
            {
                CheckSymmetric(table, matrix);
                var decomposition = Solve(path, () => Eigen.Symmetric(matrix, computeVectors: vectors));
                double scale = decomposition.Values.Select(Math.Abs).DefaultIfEmpty(0).Max();
                foreach (double value in decomposition.Values.Order())
                {
                    output.WriteLine(NumberFormat.Plain(Snap(value, scale)));
                }
                if (vectors && decomposition.Vectors is { } v)
                {
                    output.WriteLine();
                    for (int column = 0; column < v.GetLength(1); column++)
                    {
                        output.WriteLine(string.Join(',', Enumerable.Range(0, v.GetLength(0)).Select(row => NumberFormat.Plain(v[row, column]))));
                    }
                }
            }
            else
            {
                Complex[] values = Solve(path, () => Eigen.General(matrix));
                double scale = values.Select(Complex.Abs).DefaultIfEmpty(0).Max();
                var snapped = values
                    .Select(c => (Re: Snap(c.Real, scale), Im: Snap(c.Imaginary, scale)))
                    .OrderBy(c => c.Re).ThenBy(c => c.Im);
                foreach (var (re, im) in snapped)
                {
                    output.WriteLine(im == 0 ? NumberFormat.Plain(re) : $"{NumberFormat.Plain(re)},{NumberFormat.Plain(im)}");
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Runs the solver; an eigenvalue beyond double's range (entries near ±1.8e308 even after the library's scaling)
    /// has no answer to print, so it is bad input naming the file rather than an "inf" or a crash.
    /// </summary>
    private static T Solve<T>(string path, Func<T> solve)
    {
        try
        {
            return solve();
        }
        catch (OverflowException ex)
        {
            throw new InputException($"{path}: cannot compute the eigenvalues: {ex.Message}", ex);
        }
    }

    private static double Snap(double value, double scale) =>
        Math.Abs(value) <= RelativeZeroTolerance * Math.Max(scale, double.Epsilon) ? 0.0 : value;

    private static void CheckSymmetric(NumericTable table, double[,] matrix)
    {
        int n = matrix.GetLength(0);
        double scale = 0;
        foreach (double value in matrix)
        {
            scale = Math.Max(scale, Math.Abs(value));
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Math.Abs(matrix[i, j] - matrix[j, i]) > 1e-9 * Math.Max(scale, 1))
                {
                    throw new InputException(
                        $"{table.Where(i)}: entry ({i + 1},{j + 1}) = {NumberFormat.Plain(matrix[i, j])} differs from ({j + 1},{i + 1}) = " +
                        $"{NumberFormat.Plain(matrix[j, i])}; the matrix is not symmetric (drop --symmetric).");
                }
            }
        }
    }
}

using System.CommandLine;
using System.Text;
using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi pca</c>: principal component analysis of a numeric CSV data set.</summary>
public static class PcaCommand
{
    /// <summary>Builds the <c>pca</c> command.</summary>
    public static Command Create()
    {
        var inputOption = new Option<string>("--input")
        {
            Description = "CSV file with one sample per row and one feature per column.",
            Required = true,
        };
        var componentsOption = new Option<int>("--components")
        {
            Description = "Number of principal components k (1 ≤ k ≤ min(samples, features)).",
            Required = true,
        };
        var headerOption = new Option<bool>("--header") { Description = "The first line holds column names; with --transform the output gets a header pc1..pck." };
        var transformOption = new Option<string?>("--transform") { Description = "Write the data projected onto the k components to this CSV file (written atomically)." };
        var whitenOption = new Option<bool>("--whiten") { Description = "Scale projected components to unit variance." };

        var command = new Command("pca",
            "Principal component analysis. Prints the explained variance ratio of each of the k components, one per line, " +
            "largest first, in invariant culture with round-trip precision.")
        {
            inputOption,
            componentsOption,
            headerOption,
            transformOption,
            whitenOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            string path = parseResult.GetValue(inputOption)!;
            int components = parseResult.GetValue(componentsOption);
            bool header = parseResult.GetValue(headerOption);
            Check.DistinctFiles(parseResult.GetValue(transformOption), "--transform", (path, "--input"));
            var table = NumericCsvReader.Read(path, hasHeader: header);
            double[,] data = table.ToMatrix();
            int limit = Math.Min(data.GetLength(0), data.GetLength(1));
            if (components < 1 || components > limit)
            {
                throw new InputException(
                    $"--components: {components} is out of range; {path} has {data.GetLength(0)} samples and {data.GetLength(1)} features, so k must be 1..{limit}.");
            }
            if (data.GetLength(0) < 2)
            {
                throw new InputException($"{path}: PCA needs at least 2 samples.");
            }
            var pca = new Pca(components, parseResult.GetValue(whitenOption));
            double[,] projected = pca.FitTransform(data);
            foreach (double ratio in pca.ExplainedVarianceRatio)
            {
                output.WriteLine(NumberFormat.Plain(ratio));
            }
            if (parseResult.GetValue(transformOption) is { } outPath)
            {
                AtomicFile.WriteAllText(outPath, ToCsv(projected, header), "--transform");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string ToCsv(double[,] matrix, bool header)
    {
        var csv = new StringBuilder();
        int columns = matrix.GetLength(1);
        if (header)
        {
            csv.AppendJoin(',', Enumerable.Range(1, columns).Select(k => $"pc{k}")).Append('\n');
        }
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            for (int j = 0; j < columns; j++)
            {
                csv.Append(j == 0 ? "" : ",").Append(NumberFormat.Plain(matrix[i, j]));
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }
}

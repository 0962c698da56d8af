using System.CommandLine;
using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Numerics;

namespace Manabi.Cli.Commands;

/// <summary>
/// <c>manabi info &lt;measure&gt;</c>: entropy and divergences of discrete distributions given inline
/// (<c>--p</c>, <c>--q</c>) or as CSV rows (<c>--csv</c>, <c>--q-csv</c>).
/// </summary>
public static class InfoCommand
{
    private const string OutputRules =
        "Prints the number alone on stdout in invariant culture with round-trip precision; " +
        "+∞ prints 'inf' (e.g. KL when q is 0 where p is not). With --csv, one number per row. " +
        "--json prints {\"value\": x} or {\"values\": [...]}, with infinity as the string \"Infinity\".";

    /// <summary>Builds the <c>info</c> command with one sub-command per <see cref="InformationMeasure"/>.</summary>
    public static Command Create()
    {
        var info = new Command("info", "Entropy and divergences of discrete probability distributions. " + OutputRules);
        foreach (var measure in InformationMeasure.All)
        {
            info.Subcommands.Add(CreateMeasureCommand(measure));
        }
        return info;
    }

    private static Command CreateMeasureCommand(InformationMeasure measure)
    {
        var pOption = new Option<string?>("--p") { Description = "Distribution p as comma-separated non-negative numbers, e.g. 0.5,0.5." };
        var csvOption = new Option<string?>("--csv") { Description = "CSV file with one p distribution per row (blank lines and # comments skipped); prints one value per row." };
        var baseOption = new Option<string>("--base")
        {
            Description = "Logarithm base: e (nats, default), 2 (bits) or 10 (hartleys); no other base is accepted.",
            DefaultValueFactory = _ => "e",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON: {\"value\": x}, or {\"values\": [...]} with --csv; infinities as \"Infinity\"." };
        var noNormalizeOption = new Option<bool>("--no-normalize") { Description = "Use the values as given instead of rescaling each distribution to sum to 1." };
        var qOption = new Option<string?>("--q") { Description = "Distribution q as comma-separated non-negative numbers (same length as p)." };
        var qCsvOption = new Option<string?>("--q-csv") { Description = "CSV file of q distributions, one per row, as many rows as --csv." };

        var command = new Command(measure.Name, measure.Description + " " + OutputRules);
        command.Options.Add(pOption);
        if (measure.NeedsQ)
        {
            command.Options.Add(qOption);
        }
        command.Options.Add(csvOption);
        if (measure.NeedsQ)
        {
            command.Options.Add(qCsvOption);
        }
        command.Options.Add(baseOption);
        command.Options.Add(noNormalizeOption);
        command.Options.Add(jsonOption);

        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            LogBase logBase = ParseBase(parseResult.GetValue(baseOption)!);
            bool normalize = !parseResult.GetValue(noNormalizeOption);
            var pRows = ReadDistributions(parseResult.GetValue(pOption), "--p", parseResult.GetValue(csvOption), "--csv");
            DistributionRows? qRows = null;
            if (measure.NeedsQ)
            {
                qRows = ReadDistributions(parseResult.GetValue(qOption), "--q", parseResult.GetValue(qCsvOption), "--q-csv");
            }
            bool perRow = pRows.FromFile || (qRows?.FromFile ?? false);
            int count = Math.Max(pRows.Count, qRows?.Count ?? 1);
            if (qRows is not null && pRows.FromFile && qRows.FromFile && pRows.Count != qRows.Count)
            {
                throw new InputException($"--q-csv: {qRows.Source} has {qRows.Count} rows but --csv {pRows.Source} has {pRows.Count}; they must match.");
            }

            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                double[] p = pRows.Row(i);
                double[]? q = qRows?.Row(i);
                if (q is not null && q.Length != p.Length)
                {
                    throw new InputException($"{qRows!.Where(i)}: q has {q.Length} entries but p ({pRows.Where(i)}) has {p.Length}.");
                }
                try
                {
                    values[i] = measure.Compute(p, q, logBase, normalize);
                }
                catch (ArgumentException ex)
                {
                    string where = qRows is null ? pRows.Where(i) : $"{pRows.Where(i)} with {qRows.Where(i)}";
                    throw new InputException($"{where}: {ex.Message}", ex);
                }
            }

            bool json = parseResult.GetValue(jsonOption);
            if (!perRow)
            {
                output.WriteLine(json ? $"{{\"value\": {NumberFormat.Json(values[0])}}}" : NumberFormat.Plain(values[0]));
            }
            else if (json)
            {
                output.WriteLine($"{{\"values\": {NumberFormat.JsonArray(values)}}}");
            }
            else
            {
                foreach (double value in values)
                {
                    output.WriteLine(NumberFormat.Plain(value));
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Reads <c>--base</c>: e, 2 or 10, as documented, or a unit name for one of them (nats, bits, hartleys…).
    /// The library accepts any positive base, but the command's contract is the three units, so that a typo such as
    /// "3" for "e" is an error rather than a value in another unit.
    /// </summary>
    private static LogBase ParseBase(string text)
    {
        if (LogBase.TryParse(text, out LogBase logBase) && (logBase.IsNats || logBase == LogBase.Bits || logBase == LogBase.Decimal))
        {
            return logBase;
        }
        throw new InputException($"--base: '{text}' is not an allowed logarithm base; use e (nats), 2 (bits) or 10 (hartleys).");
    }

    private static DistributionRows ReadDistributions(string? inline, string inlineOption, string? file, string fileOption)
    {
        if (inline is not null && file is not null)
        {
            throw new InputException($"{inlineOption} and {fileOption} cannot be used together; give one.");
        }
        if (file is not null)
        {
            var table = NumericCsvReader.Read(file, allowRaggedRows: true, requireNonNegative: true);
            return new DistributionRows(table.Rows, i => table.Where(i), file, FromFile: true);
        }
        if (inline is null)
        {
            throw new InputException($"{inlineOption} is required (or {fileOption} FILE): give the distribution as comma-separated numbers, e.g. {inlineOption} 0.5,0.5.");
        }
        double[] row = NumberList.Parse(inline, inlineOption, requireNonNegative: true);
        return new DistributionRows([row], _ => inlineOption, inlineOption, FromFile: false);
    }
}

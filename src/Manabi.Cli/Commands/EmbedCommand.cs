using System.CommandLine;
using System.Globalization;
using System.Text;
using Manabi.Cli.Data;
using Manabi.SentenceTransformers;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi embed</c>: sentence embeddings of a file of texts, as JSONL.</summary>
public static class EmbedCommand
{
    /// <summary>Builds the <c>embed</c> command.</summary>
    public static Command Create()
    {
        var modelOption = new Option<string?>("--model") { Description = SentenceModels.ModelHelp };
        var inputOption = new Option<string>("--input") { Description = "Texts: a .txt file (one per line) or .jsonl (objects with a \"text\" string).", Required = true };
        var outputOption = new Option<string>("--output") { Description = "The JSONL file to write: {\"embedding\": [...]} per input, in input order.", Required = true };
        var batchOption = new Option<int>("--batch-size") { Description = "Texts per forward pass.", DefaultValueFactory = _ => 32 };
        var noNormalizeOption = new Option<bool>("--no-normalize") { Description = "Keep the pooled vectors as they are (skip the model's Normalize; no unit-length scaling)." };
        var poolingOption = new Option<string?>("--pooling")
        {
            Description = "Replace the model's pooling: mean, cls, max, mean_sqrt_len_tokens, weightedmean, lasttoken, or several joined by '+'.",
        };
        var quantizeOption = SentenceModels.QuantizeOption();
        var dtypeOption = SentenceModels.DtypeOption();
        var command = new Command("embed", "Embeds texts with a Sentence-BERT model; writes one JSON line per input, in order.")
        {
            modelOption, inputOption, outputOption, batchOption, noNormalizeOption, poolingOption, quantizeOption, dtypeOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            Check.DistinctFiles(parseResult.GetValue(outputOption), "--output", (parseResult.GetValue(inputOption), "--input"));
            // Refused before the model loads and the texts are embedded, not after.
            Check.OutputFile(parseResult.GetValue(outputOption), "--output");
            int batchSize = parseResult.GetValue(batchOption);
            if (batchSize <= 0)
            {
                throw new InputException($"--batch-size {batchSize}: must be positive.");
            }
            PoolingMode? pooling = null;
            if (parseResult.GetValue(poolingOption) is { } poolingName)
            {
                try
                {
                    pooling = PoolingModes.Parse(poolingName);
                }
                catch (FormatException e)
                {
                    throw new InputException($"--pooling {poolingName}: {e.Message}", e);
                }
            }
            var texts = SentenceTexts.Read(parseResult.GetValue(inputOption)!);
            using var model = SentenceModels.ForInference(SentenceModels.Load(parseResult.GetValue(modelOption)), parseResult.GetValue(quantizeOption), parseResult.GetValue(dtypeOption));
            bool normalize = !parseResult.GetValue(noNormalizeOption);
            var result = model.Encode(texts, batchSize, normalize: normalize ? true : false, pooling: pooling,
                progress: new EmbeddingProgressLines(parseResult.InvocationConfiguration.Error, texts.Count));
            string path = parseResult.GetValue(outputOption)!;
            AtomicFile.Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                var line = new StringBuilder();
                foreach (float[] vector in result.Vectors)
                {
                    line.Clear().Append("{\"embedding\": [");
                    for (int i = 0; i < vector.Length; i++)
                    {
                        line.Append(i == 0 ? "" : ", ").Append(vector[i].ToString(CultureInfo.InvariantCulture));
                    }
                    writer.WriteLine(line.Append("]}"));
                }
            }, "--output");
            if (result.Truncated > 0)
            {
                parseResult.InvocationConfiguration.Error.WriteLine(
                    $"note: {result.Truncated} of {texts.Count} inputs were longer than max_seq_length {model.MaxSeqLength} tokens and were truncated.");
            }
            parseResult.InvocationConfiguration.Error.WriteLine($"Wrote {result.Vectors.Length} embeddings of dimension {result.Dimension} to {path}.");
            return ExitCodes.Success;
        }));
        return command;
    }
}

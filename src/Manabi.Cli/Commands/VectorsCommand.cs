using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Text;
using Manabi.Vectors;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary>
/// <c>manabi vectors convert|query|similar|info</c>: converts word2vec, GloVe and fastText files to Manabi's
/// memory-mapped vector store, and looks keys up (with out-of-vocabulary vectors) and their nearest neighbours in it.
/// </summary>
public static class VectorsCommand
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keys such as "café" stay readable; the output is data, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Builds the <c>vectors</c> command and its four sub-commands.</summary>
    public static Command Create()
    {
        var vectors = new Command("vectors",
            "Word vectors: convert word2vec/GloVe/fastText files to a memory-mapped store, look keys up (unknown keys get " +
            "Magnitude-style out-of-vocabulary vectors) and find nearest neighbours, exact or approximate (HNSW). " +
            "Bad input, a corrupted or truncated store, or a store of another format version exits 2.");
        vectors.Subcommands.Add(CreateConvert());
        vectors.Subcommands.Add(CreateQuery());
        vectors.Subcommands.Add(CreateSimilar());
        vectors.Subcommands.Add(CreateInfo());
        return vectors;
    }

    private static Option<string> StoreOption() => new("--store")
    {
        Description = "A vector store written by 'manabi vectors convert'.",
        Required = true,
    };

    private static Command CreateConvert()
    {
        var inputOption = new Option<string>("--input")
        {
            Description = "Source vectors: word2vec text or binary, GloVe text or fastText .vec, optionally gzip-compressed (.gz).",
            Required = true,
        };
        var outputOption = new Option<string>("--output")
        {
            Description = "The store to write, atomically (no file at all on error).",
            Required = true,
        };
        var formatOption = new Option<string>("--format")
        {
            Description = "Source format: auto (default: a fastText model by its magic number, else from the name and first line; .bin means word2vec binary), word2vec, word2vec-binary, glove, fasttext (.vec) or fasttext-bin (a fastText model: its n-gram buckets give unknown words fastText's own vectors).",
            DefaultValueFactory = _ => "auto",
        };
        formatOption.AcceptOnlyFromAmong("auto", "word2vec", "word2vec-binary", "glove", "fasttext", "fasttext-bin");
        var dtypeOption = new Option<string>("--dtype")
        {
            Description = "How vectors are stored: f32 (default, exact), f16 (half the size) or i8 (a quarter, with a scale per vector).",
            DefaultValueFactory = _ => "f32",
        };
        dtypeOption.AcceptOnlyFromAmong("f32", "f16", "i8");
        var approxOption = new Option<bool>("--approx") { Description = "Also build the HNSW graph for approximate nearest-neighbour search." };
        var noScreenOption = new Option<bool>("--no-screen")
        {
            Description = "Leave out the int8 screening copy that f32 stores carry (a quarter of the vectors' size) to make exact searches read fewer bytes; results are the same either way.",
        };

        var command = new Command("convert",
            "Converts word vectors to a Manabi store: unit-normalized vectors plus their norms, a key index, the character " +
            "n-gram index for out-of-vocabulary lookups and, with --approx, an HNSW graph. Shows progress; Ctrl+C cancels " +
            "and leaves no output. Malformed input (ragged dimensions, non-numbers) exits 2 naming FILE:LINE.")
        {
            inputOption, outputOption, formatOption, dtypeOption, approxOption, noScreenOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            string input = parseResult.GetValue(inputOption)!;
            string outputPath = parseResult.GetValue(outputOption)!;
            if (!File.Exists(input))
            {
                throw new InputException($"--input: {input} does not exist.");
            }
            if (Directory.Exists(outputPath))
            {
                throw new InputException($"--output: {outputPath} is a folder; give the store's file name.");
            }
            Check.DistinctFiles(outputPath, "--output", (input, "--input"));
            var options = new VectorConvertOptions
            {
                Format = ParseFormat(parseResult.GetValue(formatOption)!),
                DType = ParseDType(parseResult.GetValue(dtypeOption)!),
                BuildApproximateIndex = parseResult.GetValue(approxOption),
                BuildScreeningCopy = !parseResult.GetValue(noScreenOption),
            };
            var console = Terminal.CreateConsole(output);
            ConvertResult result = Terminal.IsInteractive(output)
                ? await ConvertWithProgressBarAsync(console, input, outputPath, options, cancellationToken).ConfigureAwait(false)
                : Convert(input, outputPath, options, new ConvertProgressLines(console).Report, cancellationToken);
            var invariant = CultureInfo.InvariantCulture;
            console.WriteLine(string.Create(invariant,
                $"{result.Count:N0} vectors x {result.Dimensions} dimensions ({DTypeName(options.DType)}) written to {result.OutputPath}: ") +
                string.Create(invariant, $"{FileSize(result.Bytes)} in {result.Elapsed.TotalSeconds:0.00} s") +
                (result.DuplicatesDropped > 0 ? string.Create(invariant, $"; {result.DuplicatesDropped:N0} duplicate keys dropped (first kept)") : "") + ".");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Converts <paramref name="input"/> to the store <paramref name="output"/> (through a temporary file renamed at the end),
    /// reporting each stage to <paramref name="report"/> and stopping at the next report once cancellation is requested.
    /// </summary>
    /// <exception cref="InputException">The input is malformed or unreadable, or the output cannot be written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no output is left.</exception>
    public static ConvertResult Convert(string input, string output, VectorConvertOptions options, Action<ConvertProgress>? report,
        CancellationToken cancellationToken)
    {
        var progress = new CancellingConvertProgress(report, cancellationToken);
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }
            return VectorStoreConverter.Convert(input, output, options, progress);
        }
        catch (VectorFormatException ex)
        {
            throw new InputException(ex.Message, ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new InputException($"--input: {ex.FileName ?? input} does not exist.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{(Check.IsAbout(ex.Message, output) ? "--output" : "--input")}: cannot convert {input} to {output}: {ex.Message}", ex);
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.All(e => e is OperationCanceledException))
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static async Task<ConvertResult> ConvertWithProgressBarAsync(IAnsiConsole console, string input, string output,
        VectorConvertOptions options, CancellationToken cancellationToken)
    {
        ConvertResult? result = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                void Report(ConvertProgress p)
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.Stage, out var task))
                        {
                            task = context.AddTask(Markup.Escape(p.Stage), maxValue: 1);
                            tasks[p.Stage] = task;
                        }
                        task.Value = Math.Clamp(p.Fraction, task.Value, 1);
                    }
                }
                result = await Task.Run(() => Convert(input, output, options, Report, cancellationToken), cancellationToken).ConfigureAwait(false);
                lock (tasks)
                {
                    foreach (var task in tasks.Values)
                    {
                        task.Value = task.MaxValue;
                    }
                }
            }).ConfigureAwait(false);
        return result!;
    }

    private static Command CreateQuery()
    {
        var storeOption = StoreOption();
        var inputOption = new Option<string>("--input")
        {
            Description = "Keys, one a line (UTF-8 .txt; surrounding whitespace trimmed, blank lines skipped).",
            Required = true,
        };
        var outputOption = new Option<string>("--output")
        {
            Description = "Output .jsonl, written atomically (no file at all on error).",
            Required = true,
        };
        var rawOption = new Option<bool>("--raw") { Description = "Write the original (un-normalized) vectors instead of unit-length ones." };

        var command = new Command("query",
            "Looks keys up and writes one line per key, in order: {\"key\": ..., \"vector\": [...], \"oov\": true|false}. " +
            "Unknown keys get out-of-vocabulary vectors (case-insensitive match first). Vectors are unit length unless --raw. " +
            "The store's checksums are verified first.")
        {
            storeOption, inputOption, outputOption, rawOption,
        };
        command.SetAction(CommandActions.GuardAsync((parseResult, output, cancellationToken) =>
        {
            string inputPath = parseResult.GetValue(inputOption)!;
            string outputPath = parseResult.GetValue(outputOption)!;
            bool raw = parseResult.GetValue(rawOption);
            if (!File.Exists(inputPath))
            {
                throw new InputException($"--input: {inputPath} does not exist.");
            }
            Check.DistinctFiles(outputPath, "--output", (inputPath, "--input"), (parseResult.GetValue(storeOption), "--store"));
            using var store = OpenStore(parseResult.GetValue(storeOption)!, verify: true);
            int written = 0, oov = 0;
            AtomicFile.Write(outputPath, stream =>
            {
                // Not disposed: BufferedStream would close the temporary file before AtomicFile flushes it to disk.
                var buffered = new BufferedStream(stream, 1 << 16);
                using var json = new Utf8JsonWriter(buffered, WriterOptions);
                using var reader = new Utf8LineReader(inputPath);
                while (reader.ReadLine() is { } line)
                {
                    string key = line.Trim();
                    if (key.Length == 0)
                    {
                        continue;
                    }
                    if ((written & 0xFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                    var lookup = store.Lookup(key, raw);
                    json.WriteStartObject();
                    json.WriteString("key", key);
                    json.WriteStartArray("vector");
                    foreach (float value in lookup.Vector)
                    {
                        json.WriteNumberValue(value);
                    }
                    json.WriteEndArray();
                    json.WriteBoolean("oov", lookup.IsOutOfVocabulary);
                    json.WriteEndObject();
                    json.Flush();
                    buffered.WriteByte((byte)'\n');
                    json.Reset(buffered);
                    written++;
                    oov += lookup.IsOutOfVocabulary ? 1 : 0;
                }
                buffered.Flush();
            }, "--output");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{written} vectors ({oov} out of vocabulary) written to {outputPath}"));
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static Command CreateSimilar()
    {
        var storeOption = StoreOption();
        var keyOption = new Option<string>("--key") { Description = "The word whose neighbours to find (any word; unknown ones use their OOV vector).", Required = true };
        var topOption = new Option<int>("--top") { Description = "How many neighbours (default 10).", DefaultValueFactory = _ => 10 };
        var approxOption = new Option<bool>("--approx") { Description = "Search the HNSW graph (the store must be converted with --approx) instead of every vector." };
        var jsonOption = new Option<bool>("--json") { Description = "Print a JSON array of {\"key\", \"similarity\"}, nearest first, instead of a table." };

        var command = new Command("similar",
            "Prints the stored keys nearest a word by cosine similarity, nearest first, the word itself excluded. " +
            "The store's checksums are verified first.")
        {
            storeOption, keyOption, topOption, approxOption, jsonOption,
        };
        command.SetAction(CommandActions.GuardAsync((parseResult, output, cancellationToken) =>
        {
            string key = parseResult.GetValue(keyOption)!;
            int top = parseResult.GetValue(topOption);
            bool approximate = parseResult.GetValue(approxOption);
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new InputException("--key: give a non-empty word.");
            }
            if (top <= 0)
            {
                throw new InputException($"--top: {top.ToString(CultureInfo.InvariantCulture)} must be positive.");
            }
            using var store = OpenStore(parseResult.GetValue(storeOption)!, verify: true);
            if (approximate && !store.HasApproximateIndex)
            {
                throw new InputException($"--approx: {store.Path} has no approximate index; convert it again with --approx.");
            }
            cancellationToken.ThrowIfCancellationRequested();
            var stopwatch = Stopwatch.StartNew();
            var neighbors = store.MostSimilar(key, top, approximate);
            double milliseconds = stopwatch.Elapsed.TotalMilliseconds;
            if (parseResult.GetValue(jsonOption))
            {
                using var stream = new MemoryStream();
                using (var json = new Utf8JsonWriter(stream, WriterOptions))
                {
                    json.WriteStartArray();
                    foreach (var neighbor in neighbors)
                    {
                        json.WriteStartObject();
                        json.WriteString("key", neighbor.Key);
                        json.WriteNumber("similarity", neighbor.Similarity);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
                return Task.FromResult(ExitCodes.Success);
            }
            var console = Terminal.CreateConsole(output);
            bool oov = store.IsOutOfVocabulary(key);
            var invariant = CultureInfo.InvariantCulture;
            console.WriteLine(string.Create(invariant,
                $"Nearest to '{key}'{(oov ? " (out of vocabulary: generated vector)" : "")}, {(approximate ? "approximate (HNSW)" : "exact")} search over {store.Count:N0} keys in {milliseconds:0.00} ms:"));
            var table = new Table().AddColumn("rank").AddColumn("key").AddColumn(new TableColumn("similarity").RightAligned());
            for (int i = 0; i < neighbors.Count; i++)
            {
                table.AddRow((i + 1).ToString(invariant), Markup.Escape(neighbors[i].Key), neighbors[i].Similarity.ToString("0.0000", invariant));
            }
            console.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static Command CreateInfo()
    {
        var storeOption = StoreOption();
        var verifyOption = new Option<bool>("--verify") { Description = "Also verify every section's checksum (reads the whole file)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object instead of lines for people." };
        var command = new Command("info",
            "Describes a store: count, dimensions, dtype, format version, indexes and file size. Opening checks the header " +
            "and the file length; --verify checks every byte against the section checksums.")
        {
            storeOption, verifyOption, jsonOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            bool verify = parseResult.GetValue(verifyOption);
            using var store = OpenStore(parseResult.GetValue(storeOption)!, verify);
            var (m, efConstruction) = store.ApproximateIndexParameters;
            if (parseResult.GetValue(jsonOption))
            {
                using var stream = new MemoryStream();
                using (var json = new Utf8JsonWriter(stream, WriterOptions))
                {
                    json.WriteStartObject();
                    json.WriteString("path", store.Path);
                    json.WriteNumber("version", store.FormatVersion);
                    json.WriteNumber("count", store.Count);
                    json.WriteNumber("dimensions", store.Dimensions);
                    json.WriteString("dtype", DTypeName(store.DType));
                    json.WriteBoolean("ngram_index", store.HasNgramIndex);
                    json.WriteBoolean("approximate_index", store.HasApproximateIndex);
                    json.WriteBoolean("screening_copy", store.HasScreeningCopy);
                    json.WriteBoolean("subword_vectors", store.HasSubwordVectors);
                    json.WriteNumber("file_size", store.FileSize);
                    if (verify)
                    {
                        json.WriteBoolean("verified", true);
                    }
                    json.WriteEndObject();
                }
                output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
                return ExitCodes.Success;
            }
            var invariant = CultureInfo.InvariantCulture;
            output.WriteLine($"store: {store.Path}");
            output.WriteLine(string.Create(invariant, $"format version: {store.FormatVersion}"));
            output.WriteLine(string.Create(invariant, $"count: {store.Count}"));
            output.WriteLine(string.Create(invariant, $"dimensions: {store.Dimensions}"));
            output.WriteLine($"dtype: {DTypeName(store.DType)}");
            output.WriteLine($"n-gram index (OOV matching): {(store.HasNgramIndex ? "yes" : "no")}");
            output.WriteLine(store.HasApproximateIndex
                ? string.Create(invariant, $"approximate index (HNSW): yes (M {m}, efConstruction {efConstruction})")
                : "approximate index (HNSW): no");
            output.WriteLine($"int8 screening copy (faster exact search): {(store.HasScreeningCopy ? "yes" : "no")}");
            var (minN, maxN, buckets) = store.SubwordParameters;
            output.WriteLine(store.HasSubwordVectors
                ? string.Create(invariant, $"fastText subword vectors (OOV): yes (n-grams {minN}-{maxN}, {buckets} buckets)")
                : "fastText subword vectors (OOV): no");
            output.WriteLine(string.Create(invariant, $"file size: {store.FileSize} bytes ({FileSize(store.FileSize)})"));
            if (verify)
            {
                output.WriteLine("checksums: verified");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Opens a store for a command; a missing, malformed, truncated or other-version store (and, with
    /// <paramref name="verify"/>, a corrupted one) becomes an <see cref="InputException"/> naming the file.
    /// </summary>
    public static VectorStore OpenStore(string path, bool verify)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"--store: {path} does not exist.");
        }
        try
        {
            return VectorStore.Open(path, new VectorStoreOptions { VerifyChecksums = verify });
        }
        catch (VectorFormatException ex)
        {
            throw new InputException(ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--store: cannot read {path}: {ex.Message}", ex);
        }
    }

    /// <summary>The CLI name of a dtype: f32, f16 or i8.</summary>
    public static string DTypeName(VectorDType dtype) => dtype switch
    {
        VectorDType.Float16 => "f16",
        VectorDType.Int8 => "i8",
        _ => "f32",
    };

    private static VectorDType ParseDType(string text) => text switch
    {
        "f16" => VectorDType.Float16,
        "i8" => VectorDType.Int8,
        _ => VectorDType.Float32,
    };

    private static VectorFileFormat ParseFormat(string text) => text switch
    {
        "word2vec" => VectorFileFormat.Word2Vec,
        "word2vec-binary" => VectorFileFormat.Word2VecBinary,
        "glove" => VectorFileFormat.Glove,
        "fasttext" => VectorFileFormat.FastText,
        "fasttext-bin" => VectorFileFormat.FastTextBinary,
        _ => VectorFileFormat.Auto,
    };

    private static string FileSize(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Text;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary>
/// <c>manabi tokenizer train</c>: trains a byte-level BPE, SentencePiece Unigram or BERT WordPiece tokenizer with
/// <see cref="TokenizerTraining"/> and writes its <c>tokenizer.json</c>.
/// </summary>
public static class TokenizerCommand
{
    /// <summary>The special tokens each model gets when <c>--special-tokens</c> is not given.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultSpecialTokens { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["bpe"] = ["<|endoftext|>"],
        ["unigram"] = ["<unk>"],
        ["wordpiece"] = WordPieceTokenizer.BertSpecialTokens,
    };

    /// <summary>The unknown token of a trained Unigram model.</summary>
    public const string UnigramUnknownToken = "<unk>";

    /// <summary>Builds the <c>tokenizer</c> command with its <c>train</c> sub-command.</summary>
    public static Command Create()
    {
        var tokenizer = new Command("tokenizer", "Tokenizers of every kind (see also 'manabi tokenize').");
        tokenizer.Subcommands.Add(CreateTrain());
        return tokenizer;
    }

    private static Command CreateTrain()
    {
        var modelOption = new Option<string>("--model")
        {
            Description = "bpe (byte-level, GPT-2/RoBERTa style), unigram (SentencePiece style: NFKC, Metaspace, <unk>) or wordpiece (uncased BERT).",
            Required = true,
        };
        modelOption.AcceptOnlyFromAmong("bpe", "unigram", "wordpiece");
        var inputOption = new Option<string[]>("--input")
        {
            Description = "UTF-8 text files, one text a line (.gz decompressed); several may follow one --input.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var vocabSizeOption = new Option<int>("--vocab-size")
        {
            Description = "Vocabulary size, special tokens included; at least the alphabet and the special tokens (bpe: 256 + the special tokens).",
            Required = true,
        };
        var minFrequencyOption = new Option<long>("--min-frequency")
        {
            Description = "bpe and wordpiece: a merge needs a pair seen at least this often.",
            DefaultValueFactory = _ => 2,
        };
        var specialTokensOption = new Option<string[]>("--special-tokens")
        {
            Description = "Special tokens, first in the vocabulary and added to the tokenizer as special (bpe: <|endoftext|> by default; " +
                "unigram: <unk> by default, and <unk> is always the unknown token; wordpiece: always BERT's [PAD] [UNK] [CLS] [SEP] [MASK]).",
            AllowMultipleArgumentsPerToken = true,
        };
        var outputOption = new Option<string>("--output") { Description = "Folder for tokenizer.json (created if needed).", Required = true };

        var command = new Command("train",
            "Trains a tokenizer like Hugging Face tokenizers' trainers with its family's standard pipeline and writes OUTPUT/tokenizer.json " +
            "(atomically), which HF tokenizers loads and encodes identically. Shows progress; Ctrl+C cancels without writing.")
        {
            modelOption, inputOption, vocabSizeOption, minFrequencyOption, specialTokensOption, outputOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            string model = parseResult.GetValue(modelOption)!;
            string[] inputs = parseResult.GetValue(inputOption) ?? [];
            int vocabSize = parseResult.GetValue(vocabSizeOption);
            if (vocabSize <= 0)
            {
                throw new InputException($"--vocab-size: {vocabSize} must be positive.");
            }
            long minFrequency = parseResult.GetValue(minFrequencyOption);
            if (minFrequency < 0)
            {
                throw new InputException($"--min-frequency: {minFrequency} must not be negative.");
            }
            if (model == "unigram" && parseResult.GetResult(minFrequencyOption) is { Implicit: false })
            {
                throw new InputException("--min-frequency: unigram training has no minimum frequency (it prunes pieces by likelihood); leave it out.");
            }
            var special = SpecialTokens(model, parseResult.GetResult(specialTokensOption) is { Implicit: false } ? parseResult.GetValue(specialTokensOption) : null);
            foreach (string input in inputs)
            {
                if (Directory.Exists(input))
                {
                    throw new InputException($"--input: {input} is a folder, not a text file.");
                }
                if (!File.Exists(input))
                {
                    throw new InputException($"--input: {input} does not exist.");
                }
            }
            if (model == "bpe" && MinimumBpeVocabularySize(special) is var minimum && vocabSize < minimum)
            {
                // HF would silently return a larger vocabulary than asked for; the CLI says so before any work.
                throw new InputException(string.Create(CultureInfo.InvariantCulture,
                    $"--vocab-size: {vocabSize} is too small for byte-level BPE: its 256 byte tokens and {special.Count} special token(s) " +
                    $"alone make {minimum}; give --vocab-size {minimum} or more."));
            }
            string outDirectory = parseResult.GetValue(outputOption)!;
            string outFile = Path.Combine(outDirectory, WordPieceTokenizer.TokenizerJsonFileName);
            var named = inputs.Select(input => ((string?)input, "--input")).ToArray();
            Check.DistinctFiles(outDirectory, "--output", named);
            Check.DistinctFiles(outFile, "--output", named);
            // Refused before training, so a long run does not end in an unwritable folder.
            Check.OutputFolder(outDirectory, "--output");
            if (Directory.Exists(outFile))
            {
                throw new InputException($"--output: {outFile} is a folder, so the trained tokenizer.json cannot be written there.");
            }

            var console = Terminal.CreateConsole(output);
            var stopwatch = Stopwatch.StartNew();
            Tokenizer trained = await RunWithProgressAsync(console, Terminal.IsInteractive(output),
                progress => Train(model, inputs, vocabSize, minFrequency, special, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            int trainedSize = trained.GetVocabularySize();
            if (trainedSize > vocabSize)
            {
                // The alphabet (every character kept, or the 256 bytes) and the special tokens are never dropped, so a
                // vocabulary smaller than them cannot be had; writing a larger one than asked for would go unnoticed.
                throw new InputException(string.Create(CultureInfo.InvariantCulture,
                    $"--vocab-size: {vocabSize} is too small: the corpus's alphabet and the special tokens alone make {trainedSize} tokens; " +
                    $"give --vocab-size {trainedSize} or more."));
            }
            // A folder this run creates is removed again when the write fails, so a failure leaves nothing behind.
            using (new NewFolders(outDirectory))
            {
                AtomicFile.WriteAllText(outFile, trained.ToJson(), "--output");
            }
            // Straight to the output, not through the console: it would wrap a long path at its width, and scripts read this line.
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{trainedSize} tokens ({model}) trained in {stopwatch.Elapsed.TotalSeconds:0.00} s; wrote {outFile}")).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static IReadOnlyList<string> SpecialTokens(string model, string[]? given)
    {
        if (given is null)
        {
            return DefaultSpecialTokens[model];
        }
        if (model == "wordpiece")
        {
            throw new InputException("--special-tokens: wordpiece always has BERT's [PAD] [UNK] [CLS] [SEP] [MASK]; leave --special-tokens out.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string token in given)
        {
            if (token.Length == 0)
            {
                throw new InputException("--special-tokens: a special token is empty.");
            }
            if (!seen.Add(token))
            {
                throw new InputException($"--special-tokens: '{token}' is given twice.");
            }
        }
        return given;
    }

    /// <summary>
    /// Trains with <see cref="TokenizerTraining"/> (streaming, cancellable); <paramref name="model"/> is bpe, unigram or wordpiece.
    /// </summary>
    /// <exception cref="InputException">A file is unreadable or not UTF-8 (the message names file and line), or the
    /// vocabulary size cannot hold what the corpus needs (the message names <c>--vocab-size</c>).</exception>
    public static Tokenizer Train(string model, IReadOnlyList<string> inputs, int vocabSize, long minFrequency, IReadOnlyList<string> specialTokens,
        IProgress<WordPieceTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var forward = progress is null ? null : new ForwardedProgress(progress);
        try
        {
            return model switch
            {
                "bpe" => TokenizerTraining.TrainByteLevelBpe(inputs,
                    new BpeTrainerOptions { VocabSize = vocabSize, MinFrequency = minFrequency, SpecialTokens = specialTokens }, forward, cancellationToken),
                "unigram" => TokenizerTraining.TrainSentencePieceUnigram(inputs,
                    new UnigramTrainerOptions { VocabSize = vocabSize, SpecialTokens = specialTokens, UnknownToken = UnigramUnknownToken }, forward,
                    cancellationToken),
                "wordpiece" => TokenizerTraining.TrainBertWordPiece(inputs,
                    new WordPieceTrainerOptions { VocabSize = vocabSize, MinFrequency = minFrequency }, progress, cancellationToken),
                _ => throw new InputException($"--model: '{model}' is none of bpe, unigram, wordpiece."),
            };
        }
        catch (TokenizerFormatException ex)
        {
            throw new InputException(ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            // The options were checked above, so what is left is the corpus against the size (e.g. more characters than
            // --vocab-size); the message is the user's, without .NET's "(Parameter 'x')" suffix.
            string message = ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            throw new InputException($"--vocab-size: {message}; give a larger --vocab-size.", ex);
        }
    }

    /// <summary>The smallest byte-level BPE vocabulary: the 256 byte characters and the special tokens that are not one of them.</summary>
    private static int MinimumBpeVocabularySize(IReadOnlyList<string> specialTokens)
    {
        var tokens = new HashSet<string>(ByteLevelPreTokenizer.Alphabet.Select(c => c.ToString()), StringComparer.Ordinal);
        tokens.UnionWith(specialTokens);
        return tokens.Count;
    }

    /// <summary>
    /// Runs <paramref name="train"/> showing its progress: a bar per stage on a terminal, plain stage lines otherwise
    /// (shared by <c>tokenizer train</c> and <c>wordpiece train</c>).
    /// </summary>
    internal static async Task<T> RunWithProgressAsync<T>(IAnsiConsole console, bool interactive, Func<IProgress<WordPieceTrainingProgress>, T> train,
        CancellationToken cancellationToken)
    {
        if (!interactive)
        {
            return train(new PlainProgress(console));
        }
        T result = default!;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new CallbackProgress(p =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.Stage, out var task))
                        {
                            task = context.AddTask(Markup.Escape(p.Stage), maxValue: Math.Max(1, p.Total));
                            tasks[p.Stage] = task;
                        }
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = Math.Min(p.Done, task.MaxValue);
                    }
                });
                result = await Task.Run(() => train(progress), cancellationToken).ConfigureAwait(false);
                lock (tasks)
                {
                    foreach (var task in tasks.Values)
                    {
                        task.Value = task.MaxValue;
                    }
                }
            }).ConfigureAwait(false);
        return result;
    }

    // The BPE and Unigram trainers report TrainingProgress; the displays take WordPiece's record of the same fields.
    private sealed class ForwardedProgress(IProgress<WordPieceTrainingProgress> inner) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => inner.Report(new WordPieceTrainingProgress(value.Stage, value.Done, value.Total));
    }
}

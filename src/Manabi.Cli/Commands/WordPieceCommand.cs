using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.Text;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi wordpiece train</c>: trains a WordPiece vocabulary as Hugging Face's trainer does.</summary>
public static class WordPieceCommand
{
    /// <summary>Builds the <c>wordpiece</c> command with its <c>train</c> sub-command.</summary>
    public static Command Create()
    {
        var wordPiece = new Command("wordpiece", "WordPiece vocabularies (see also 'manabi tokenize').");
        wordPiece.Subcommands.Add(CreateTrain());
        return wordPiece;
    }

    private static Command CreateTrain()
    {
        var inputOption = new Option<string[]>("--input")
        {
            Description = "UTF-8 text files, one text a line (.gz decompressed); several may follow one --input.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var vocabSizeOption = new Option<int>("--vocab-size") { Description = "Vocabulary size, special tokens included.", Required = true };
        var minFrequencyOption = new Option<long>("--min-frequency")
        {
            Description = "A merge needs a pair seen at least this often.",
            DefaultValueFactory = _ => 2,
        };
        var limitAlphabetOption = new Option<int>("--limit-alphabet")
        {
            Description = "Keep at most this many initial characters (the most frequent).",
            DefaultValueFactory = _ => 1000,
        };
        var outputOption = new Option<string>("--output") { Description = "Folder for vocab.txt and tokenizer.json (created if needed).", Required = true };

        var command = new Command("train",
            "Trains an uncased BERT WordPiece vocabulary like Hugging Face tokenizers' WordPieceTrainer ([UNK] [SEP] [CLS] [PAD] [MASK] first, " +
            "deterministic) and writes OUTPUT/vocab.txt and OUTPUT/tokenizer.json. Shows progress; Ctrl+C cancels without writing.")
        {
            inputOption, vocabSizeOption, minFrequencyOption, limitAlphabetOption, outputOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            string[] inputs = parseResult.GetValue(inputOption) ?? [];
            var options = new WordPieceTrainerOptions
            {
                VocabSize = Positive(parseResult.GetValue(vocabSizeOption), "--vocab-size"),
                MinFrequency = NonNegative(parseResult.GetValue(minFrequencyOption), "--min-frequency"),
                LimitAlphabet = (int)NonNegative(parseResult.GetValue(limitAlphabetOption), "--limit-alphabet"),
            };
            foreach (string input in inputs)
            {
                if (!File.Exists(input))
                {
                    throw new InputException($"--input: {input} does not exist.");
                }
            }
            string outDirectory = parseResult.GetValue(outputOption)!;
            // Inputs inside the output folder are fine, but not the two files the command writes there (nor the folder's own name).
            var named = inputs.Select(input => ((string?)input, "--input")).ToArray();
            Check.DistinctFiles(outDirectory, "--output", named);
            Check.DistinctFiles(Path.Combine(outDirectory, "vocab.txt"), "--output", named);
            Check.DistinctFiles(Path.Combine(outDirectory, "tokenizer.json"), "--output", named);
            var console = Terminal.CreateConsole(output);
            var stopwatch = Stopwatch.StartNew();
            WordPieceVocabulary vocabulary = await TokenizerCommand.RunWithProgressAsync(console, Terminal.IsInteractive(output),
                progress => Train(inputs, options, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            var tokenizer = WordPieceTokenizer.CreateBert(vocabulary);
            if (File.Exists(outDirectory))
            {
                throw new InputException($"--output: cannot create folder '{outDirectory}': a file of that name exists.");
            }
            try
            {
                string? parent = Path.GetDirectoryName(Path.GetFullPath(outDirectory));
                if (parent is not null)
                {
                    Directory.CreateDirectory(parent);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"--output: cannot create folder '{outDirectory}': {ex.Message}", ex);
            }
            // Both files or neither: a full disk must not leave a vocab.txt without its tokenizer.json.
            tokenizer.SaveFolder(outDirectory);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{vocabulary.Count} tokens trained in {stopwatch.Elapsed.TotalSeconds:0.00} s; wrote {Path.Combine(outDirectory, "vocab.txt")} and tokenizer.json"));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Trains with <see cref="WordPieceTrainer.TrainFromFiles"/> (streaming, cancellable).</summary>
    /// <exception cref="InputException">A file is unreadable or not UTF-8 (the message names file and line).</exception>
    public static WordPieceVocabulary Train(IReadOnlyList<string> inputs, WordPieceTrainerOptions options,
        IProgress<WordPieceTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return new WordPieceTrainer(options, progress).TrainFromFiles(inputs, cancellationToken);
        }
        catch (TokenizerFormatException ex)
        {
            throw new InputException(ex.Message, ex);
        }
    }


    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new InputException($"{option}: {value} must be positive.");

    private static long NonNegative(long value, string option) =>
        value >= 0 ? value : throw new InputException($"{option}: {value} must not be negative.");
}

using Manabi.Cli.Data;
using Manabi.Cli.Output;
using Manabi.SentenceTransformers.Losses;
using Manabi.SentenceTransformers.Training;
using Manabi.SentenceTransformers;
using Manabi.Torch.Losses;
using System.CommandLine;
using System.Globalization;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi sbert train</c>: fine-tunes a Sentence-BERT model (Siamese training) and saves it.</summary>
public static class SbertCommand
{
    /// <summary>Builds the <c>sbert</c> command group.</summary>
    public static Command Create()
    {
        var sbert = new Command("sbert", "Sentence-BERT: fine-tune sentence embedding models.");
        sbert.Subcommands.Add(CreateTrain());
        return sbert;
    }

    private static Command CreateTrain()
    {
        var modelOption = new Option<string>("--model") { Description = "The model to start from: " + SentenceModels.ModelHelp, Required = true };
        var trainOption = new Option<string>("--train")
        {
            Description = "Training JSONL. Columns by loss: mnrl anchor, positive[, negative]; cosine/cosent anchor, positive, score; " +
                "contrastive/online-contrastive anchor, positive, label (0/1); softmax anchor, positive, label (class 0..k-1); triplet anchor, positive, negative.",
            Required = true,
        };
        var lossOption = new Option<string>("--loss") { Description = "mnrl, cosine, contrastive, online-contrastive, triplet, softmax or cosent.", Required = true };
        var devOption = new Option<string?>("--dev") { Description = "Dev JSONL (anchor, positive, score): Spearman correlation of cosine vs score after each epoch." };
        var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 1 };
        var outputOption = new Option<string>("--output") { Description = "Where to save the trained model (a sentence-transformers folder).", Required = true };
        var batchOption = new Option<int>("--batch-size") { Description = "Rows per step.", DefaultValueFactory = _ => 16 };
        var rateOption = new Option<double>("--lr") { Description = "Peak AdamW learning rate (linear warm-up over 10% of the steps, then linear decay).", DefaultValueFactory = _ => 2e-5 };
        var checkpointsOption = new Option<string?>("--checkpoints")
        {
            Description = "Checkpoint folder (one checkpoint per epoch); a run finding checkpoints there resumes from the newest. Default: OUTPUT.checkpoints.",
        };
        var command = new Command("train", "Fine-tunes a sentence embedding model with a sentence-transformers loss and saves it.")
        {
            modelOption, trainOption, lossOption, devOption, epochsOption, outputOption, batchOption, rateOption, checkpointsOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            // The output is a folder; a --train or --dev file given as its name would be lost when the model is saved.
            Check.DistinctFiles(parseResult.GetValue(outputOption), "--output", (parseResult.GetValue(trainOption), "--train"),
                (parseResult.GetValue(devOption), "--dev"));
            string loss = parseResult.GetValue(lossOption)!;
            int epochs = parseResult.GetValue(epochsOption);
            int batchSize = parseResult.GetValue(batchOption);
            Check.Positive(epochs, "--epochs");
            Check.Positive(batchSize, "--batch-size");
            // A NaN or negative rate does not fail anywhere: it trains a model of NaN weights, so it is refused here.
            Check.Positive(parseResult.GetValue(rateOption), "--lr");
            string outputFolder = parseResult.GetValue(outputOption)!;
            // Checked before the model is loaded and trained: finding an unusable --output only at the save wasted the run.
            CheckOutputFolder(outputFolder, parseResult.GetValue(modelOption), parseResult.GetValue(trainOption));
            string checkpoints = parseResult.GetValue(checkpointsOption) ?? Path.GetFullPath(outputFolder).TrimEnd('/') + ".checkpoints";
            using var created = new NewFolders(outputFolder, checkpoints);
            var rows = TrainingFile.Read(parseResult.GetValue(trainOption)!, loss);
            var dev = parseResult.GetValue(devOption) is { } devPath ? new SimilarityEvaluator(CheckDev(TrainingFile.ReadDev(devPath), devPath)) : null;
            using var model = SentenceModels.Load(parseResult.GetValue(modelOption));
            using var objective = CreateLoss(loss, model, rows);
            var options = new SentenceTrainerOptions
            {
                Epochs = epochs,
                BatchSize = batchSize,
                LearningRate = parseResult.GetValue(rateOption),
                CheckpointDirectory = checkpoints,
            };
            var error = parseResult.InvocationConfiguration.Error;
            long stepsPerEpoch = (rows.Count + (long)batchSize - 1) / batchSize;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Training with {loss} loss on {rows.Count:N0} examples: {epochs} epochs of {stepsPerEpoch:N0} steps (batch size {batchSize})."));
            var result = new SentenceTrainer(model, objective, options, dev).Train(rows, new SynchronousProgress(error));
            if (result.ResumedFromStep > 0)
            {
                error.WriteLine($"Resumed from step {result.ResumedFromStep}.");
            }
            model.Save(outputFolder);
            string finalLoss = result.Losses.Count > 0 ? NumberFormat.Plain(result.Losses[^1]) : "n/a";
            string devScore = result.DevScores.Count > 0 ? " dev_spearman=" + NumberFormat.Plain(result.DevScores[^1]) : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steps={result.Steps} final_loss={finalLoss}{devScore} model={outputFolder}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Throws unless the model can be saved to <paramref name="folder"/>: it is not an existing file, it is not the
    /// --model folder or the --train file, and its parent folder exists (or can be created) and is writable.
    /// </summary>
    private static void CheckOutputFolder(string folder, string? model, string? train)
    {
        if (File.Exists(folder))
        {
            throw new InputException($"--output {folder} is an existing file; the model is saved as a folder. Give a folder path.");
        }
        if (!string.IsNullOrEmpty(model) && Directory.Exists(model) && Check.SameFile(model, folder))
        {
            throw new InputException($"--output {folder} is the --model folder; saving would replace the model being trained. Give another --output.");
        }
        Check.DistinctFiles(folder, "--output", (train, "--train"));
        string parent = Path.GetDirectoryName(Path.GetFullPath(folder)) ?? Path.GetFullPath(folder);
        try
        {
            Directory.CreateDirectory(parent);
            // A probe file is the only reliable test of write access (ACLs, read-only mounts, root's bypass of modes).
            string probe = Path.Combine(parent, $".manabi-write-test-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--output {folder}: cannot write to {parent}: {ex.Message}", ex);
        }
    }

    private static List<SimilarityExample> CheckDev(List<SimilarityExample> dev, string path) =>
        dev.Count >= 2 ? dev : throw new InputException($"{path}: a dev set needs at least two rows.");

    private static SentenceLoss CreateLoss(string loss, SentenceEncoder model, List<TrainingExample> rows) => loss switch
    {
        "mnrl" => new MultipleNegativesRankingLoss(),
        "cosine" => new CosineSimilarityLoss(),
        "contrastive" => new ContrastiveLoss(),
        "online-contrastive" => new OnlineContrastiveLoss(),
        "triplet" => new TripletLoss(),
        "cosent" => new CoSENTLoss(),
        "softmax" => new SoftmaxLoss(model.Dimension, Math.Max(2, (int)rows.Max(r => r.Label!.Value) + 1)),
        _ => throw new InputException($"--loss {loss}: unknown loss."),
    };

    // Progress<T> posts to the thread pool; training reports should appear in order, as they happen.
    private sealed class SynchronousProgress(TextWriter error) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.DevScore is { } score)
            {
                error.WriteLine($"epoch {value.Epoch}: dev Spearman {NumberFormat.Short(score)}");
            }
            else if (value.Step == value.TotalSteps || value.Step % 50 == 0)
            {
                error.WriteLine($"epoch {value.Epoch} step {value.Step}/{value.TotalSteps}: loss {NumberFormat.Short(value.Loss)}");
            }
        }
    }
}

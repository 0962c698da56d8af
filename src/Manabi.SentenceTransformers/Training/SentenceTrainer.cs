using Manabi.SentenceTransformers.Losses;
using Manabi.SentenceTransformers.Models.Bert;
using Manabi.Torch.Losses;
using Manabi.Torch.Training;
using System.Text.Json;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Training;

/// <summary>
/// Fine-tunes a <see cref="SentenceEncoder"/> with a <see cref="SentenceLoss"/>: AdamW over the model's and the loss's
/// parameters, linear warm-up then linear decay, gradient clipping, shuffled batches (seeded, so resumable), an
/// optional dev evaluation after each epoch, and checkpoints written atomically from which a later run resumes.
/// </summary>
public sealed class SentenceTrainer
{
    private const string StateFile = "trainer_state.json";
    private const string WeightsFile = "trainer_weights.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private readonly SentenceEncoder _model;
    private readonly SentenceLoss _loss;
    private readonly SentenceTrainerOptions _options;
    private readonly SimilarityEvaluator? _evaluator;

    /// <summary>Prepares a run.</summary>
    public SentenceTrainer(SentenceEncoder model, SentenceLoss loss, SentenceTrainerOptions options, SimilarityEvaluator? evaluator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        TrainingChecks.Positive(options.Epochs);
        TrainingChecks.Positive(options.BatchSize);
        TrainingChecks.Positive(options.LearningRate);
        TrainingChecks.NonNegative(options.WeightDecay);
        TrainingChecks.InRange(options.WarmupRatio, 0, 1);
        TrainingChecks.NonNegative(options.MaxGradNorm);
        _model = model;
        _loss = loss;
        _options = options;
        _evaluator = evaluator;
    }

    /// <summary>
    /// Trains on <paramref name="data"/>. When the checkpoint directory holds a checkpoint, the run resumes from the
    /// newest one (weights, optimizer state and position in the data) instead of starting over.
    /// </summary>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled; with a checkpoint directory, the steps done so far are
    /// checkpointed first, so that the next run resumes from them.
    /// </exception>
    public TrainingResult Train(IReadOnlyList<TrainingExample> data, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException("the training set is empty", nameof(data));
        }
        Validate(data);
        int stepsPerEpoch = (data.Count + _options.BatchSize - 1) / _options.BatchSize;
        int totalSteps = stepsPerEpoch * _options.Epochs;
        int warmup = (int)Math.Ceiling(totalSteps * _options.WarmupRatio);
        var parameters = _model.parameters().Concat(_loss.parameters()).ToList();
        using var optimizer = optim.AdamW(parameters, _options.LearningRate, 0.9, 0.999, 1e-8, _options.WeightDecay);
        var resumed = ResumeIfPossible(optimizer);
        int resumedFrom = (int)(resumed?.Step ?? 0);
        long checkpointed = resumedFrom;
        var losses = new List<double>();
        var start = Position(resumed ?? new SentenceRunState(), resumedFrom, stepsPerEpoch, totalSteps) with { Seed = _options.Seed };
        TrainingLoop<SentenceRunState, SentenceEpochRecord>? loop = null;
        void Checkpoint(SentenceRunState state)
        {
            if (_options.CheckpointDirectory is not null && state.Step != checkpointed)
            {
                WriteCheckpoint(optimizer, state);
                checkpointed = state.Step;
            }
        }
        loop = new TrainingLoop<SentenceRunState, SentenceEpochRecord>(start)
        {
            Seed = _options.Seed,
            Epochs = _options.Epochs,
            GradientClip = _options.MaxGradNorm,
            Layout = SentenceRunState.SumLayout,
            Optimizer = new TorchOptimizerSteps(optimizer, parameters),
            LearningRate = step => LearningRateAt((int)step, warmup, totalSteps),
            Modules = [_model, _loss],
            Save = Checkpoint,
            SaveEachEpoch = _options.CheckpointEverySteps <= 0,
            EndEpoch = (current, epoch) =>
            {
                double? score = null;
                if (_evaluator is not null)
                {
                    score = _evaluator.Evaluate(_model);
                    progress?.Report(new TrainingProgress(epoch.Epoch, (int)current.Step, totalSteps, losses.Count > 0 ? losses[^1] : double.NaN,
                        epoch.LearningRate, score));
                }
                return current with { History = [.. current.History, new SentenceEpochRecord(epoch.Epoch, epoch.Sums.MeanLoss, score)] };
            },
            BatchDone = batch =>
            {
                losses.Add(batch.Loss);
                progress?.Report(new TrainingProgress(batch.Epoch, (int)batch.Step, totalSteps, batch.Loss, batch.LearningRate));
                if (_options.CheckpointEverySteps > 0 && batch.Step % _options.CheckpointEverySteps == 0)
                {
                    Checkpoint(loop!.State);
                }
            },
        };
        try
        {
            if (loop.Run(new SentenceStep(this, data, stepsPerEpoch), cancellationToken) != TrainingOutcome.Finished)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _model.eval();
            _loss.eval();
        }
        var devScores = loop.State.History.Where(e => e.DevScore is not null).Select(e => e.DevScore!.Value).ToList();
        return new TrainingResult((int)loop.State.Step, resumedFrom, losses, devScores);
    }

    /// <summary>Linear warm-up from 0 over <paramref name="warmup"/> steps, then linear decay to 0 at <paramref name="total"/>.</summary>
    public double LearningRateAt(int step, int warmup, int total)
    {
        if (step < warmup)
        {
            return _options.LearningRate * step / Math.Max(1, warmup);
        }
        return _options.LearningRate * Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup));
    }

    /// <summary>The loss of a batch of rows: one text list per column, and the labels when the loss needs them.</summary>
    private Tensor ComputeLoss(List<TrainingExample> rows)
    {
        int columns = rows[0].Texts.Count;
        var texts = Enumerable.Range(0, columns).Select(c => (IReadOnlyList<string>)rows.Select(r => r.Texts[c]).ToList()).ToList();
        Tensor? labels = _loss.NeedsLabels ? tensor(rows.Select(r => r.Label!.Value).ToArray()) : null;
        return _loss.Forward(_model, texts, labels);
    }

    private void Validate(IReadOnlyList<TrainingExample> data)
    {
        int columns = data[0].Texts.Count;
        for (int i = 0; i < data.Count; i++)
        {
            if (data[i].Texts.Count != columns)
            {
                throw new ArgumentException($"row {i + 1} has {data[i].Texts.Count} texts, the first row {columns}", nameof(data));
            }
            if (_loss.NeedsLabels && data[i].Label is null)
            {
                throw new ArgumentException($"row {i + 1} has no label, which {_loss.GetName()} needs", nameof(data));
            }
        }
        if (_loss.Columns is { } needed ? columns != needed : columns < 2)
        {
            throw new ArgumentException($"{_loss.GetName()} needs {(_loss.Columns?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "2 or more")} text columns, the data has {columns}", nameof(data));
        }
    }

    private static int[] Shuffle(int count, int seed)
    {
        var random = new Random(seed);
        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    private void WriteCheckpoint(optim.Optimizer optimizer, SentenceRunState state)
    {
        long step = state.Step;
        string root = Path.GetFullPath(_options.CheckpointDirectory!);
        Directory.CreateDirectory(root);
        string final = Path.Combine(root, $"checkpoint-{step}");
        string temp = final + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            _model.Save(Path.Combine(temp, "model"));
            var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, p) in _model.named_parameters())
            {
                weights["model." + name] = p.detach();
            }
            foreach (var (name, p) in _loss.named_parameters())
            {
                weights["loss." + name] = p.detach();
            }
            BertWeights.WriteSafetensors(weights, Path.Combine(temp, WeightsFile));
            ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(temp, OptimizerFile));
            RunFolder.WriteState(temp, StateFile, state);
            if (Directory.Exists(final))
            {
                Directory.Delete(final, recursive: true);
            }
            Directory.Move(temp, final);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
        foreach (var old in Checkpoints(root).Skip(Math.Max(1, _options.CheckpointsToKeep)))
        {
            Directory.Delete(old.Path, recursive: true);
        }
    }

    /// <summary>Loads the newest checkpoint's weights and optimiser state, and returns its run state; null when there is none.</summary>
    private SentenceRunState? ResumeIfPossible(optim.Optimizer optimizer)
    {
        if (_options.CheckpointDirectory is null || !Directory.Exists(_options.CheckpointDirectory))
        {
            return null;
        }
        var latest = Checkpoints(Path.GetFullPath(_options.CheckpointDirectory)).FirstOrDefault();
        if (latest.Path is null)
        {
            return null;
        }
        // The state is read first: a damaged one is refused before any weight is touched.
        var state = SentenceRunState.Load(Path.Combine(latest.Path, StateFile));
        string weightsPath = Path.Combine(latest.Path, WeightsFile);
        var weights = BertWeights.ReadStateDict(weightsPath);
        try
        {
            BertWeights.CopyInto(_model, Prefixed(weights, "model."), weightsPath);
            BertWeights.CopyInto(_loss, Prefixed(weights, "loss."), weightsPath);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(Path.Combine(latest.Path, OptimizerFile));
        return state;
    }

    /// <summary>
    /// A checkpoint's state placed at its step for this run: the position follows from the step, because the epoch
    /// count may grow between runs; the epoch's sums are kept only where the checkpoint was at that same position
    /// (another batch size moves it), and the history only up to it.
    /// </summary>
    private static SentenceRunState Position(SentenceRunState saved, long step, int stepsPerEpoch, int totalSteps)
    {
        int epoch = (int)(step / stepsPerEpoch), batch = (int)(step % stepsPerEpoch);
        bool samePosition = saved.Epoch == epoch && saved.Batch == batch;
        return saved with
        {
            Epoch = epoch,
            Batch = batch,
            Step = step,
            PartialEpoch = samePosition ? saved.PartialEpoch : SentenceRunState.SumLayout.Empty,
            History = [.. saved.History.Where(record => record.Epoch <= epoch)],
            Finished = step >= totalSteps,
        };
    }

    private static Dictionary<string, Tensor> Prefixed(Dictionary<string, Tensor> state, string prefix) =>
        state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    // Complete checkpoints (temporary folders are ignored), newest first.
    private static IEnumerable<(string Path, int Step)> Checkpoints(string root) =>
        Directory.EnumerateDirectories(root, "checkpoint-*")
            .Select(d => (Path: d, Name: System.IO.Path.GetFileName(d)))
            .Where(d => int.TryParse(d.Name["checkpoint-".Length..], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(d => (d.Path, Step: int.Parse(d.Name["checkpoint-".Length..], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderByDescending(d => d.Step);

    /// <summary>Shuffled batches of rows (the order a function of the seed and the epoch, so resumable), and their loss.</summary>
    private sealed class SentenceStep(SentenceTrainer trainer, IReadOnlyList<TrainingExample> data, int stepsPerEpoch) : ITrainingStep<List<TrainingExample>>
    {
        public int BatchesPerEpoch => stepsPerEpoch;

        public IEnumerable<List<TrainingExample>> Batches(int epoch, int firstBatch, CancellationToken cancellationToken)
        {
            int size = trainer._options.BatchSize;
            int[] order = Shuffle(data.Count, trainer._options.Seed + epoch);
            for (int batch = firstBatch; batch < stepsPerEpoch; batch++)
            {
                yield return order.Skip(batch * size).Take(size).Select(i => data[i]).ToList();
            }
        }

        public BatchLoss Compute(List<TrainingExample> rows, int epoch, int batchIndex, long seed) => new(trainer.ComputeLoss(rows), rows.Count);
    }

    /// <summary>
    /// A sentence run's state, the <see cref="RunState{TEpochRecord}"/> every Manabi trainer keeps, written as each
    /// checkpoint's <see cref="StateFile"/>. It also carries the Hugging Face Trainer's <c>global_step</c>, the name
    /// under which checkpoints written before this format kept their step (with the seed and nothing else); those
    /// still resume, from their step with the epoch's sums and history empty.
    /// </summary>
    private sealed record SentenceRunState : RunState<SentenceEpochRecord>
    {
        public static readonly PartialEpochLayout SumLayout = new(LossSum: 0, Examples: 1, Seconds: 2);

        /// <summary>The seed the run was started with.</summary>
        public int Seed { get; init; }

        /// <summary>The Hugging Face Trainer's name for the optimiser steps taken, the same as <c>step</c>.</summary>
        public long GlobalStep => Step;

        /// <summary>Reads a checkpoint's state; a damaged one is refused with the file's name.</summary>
        public static SentenceRunState Load(string path)
        {
            var json = JsonFiles.ParseObject(path);
            int globalStep = JsonFiles.ReadInt(json, "global_step", path) ?? throw new InvalidDataException($"{path}: no \"global_step\"");
            if (globalStep < 0)
            {
                throw new InvalidDataException($"{path}: \"global_step\" is {globalStep}, not a step count.");
            }
            if (!json.ContainsKey("step"))
            {
                // The trainer sets the seed from its options, so only the step is read.
                return new SentenceRunState { Step = globalStep };
            }
            SentenceRunState state;
            try
            {
                state = json.Deserialize<SentenceRunState>(RunFolder.Json) ?? throw new InvalidDataException($"{path}: empty state.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}: not a valid sentence training state ({ex.Message}).", ex);
            }
            if (state.Step != globalStep)
            {
                throw new InvalidDataException($"{path}: \"step\" {state.Step} and \"global_step\" {globalStep} differ; the state is damaged.");
            }
            SumLayout.Check(state.PartialEpoch, path);
            return state;
        }
    }

    /// <summary>One finished epoch of this run: its mean loss, and the dev score when a dev set is evaluated.</summary>
    private sealed record SentenceEpochRecord(int Epoch, double Loss, double? DevScore);
}

using Manabi.Torch.Data;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Training;

/// <summary>
/// The shared <see cref="TrainingLoop{TState, TEpochRecord}"/> on a small regression with dropout: a run stopped
/// mid-epoch and resumed from what it saved ends bit-identical to an uninterrupted one, a non-finite loss stops it
/// before the update, and the time budget stops it after a batch.
/// </summary>
public sealed class TrainingLoopTests
{
    private const int Seed = 7;
    private const int Examples = 32;
    private const int BatchSize = 8;

    // The sums in a deliberately scrambled order, so that a loop that ignored the layout would misread a resumed epoch.
    private static readonly PartialEpochLayout Layout = new(LossSum: 2, Examples: 0, Seconds: 1, Metrics: [3]);

    public TrainingLoopTests() => TorchRuntime.EnsureLoaded();

    private sealed record LoopState : RunState<(double Loss, double Batches)>;

    /// <summary>Batches of a seeded shuffle; a dropout-masked linear regression whose masks come from the loop's seeding.</summary>
    private sealed class RegressionStep(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, int? divergeAtStep = null)
        : ITrainingStep<long[]>
    {
        private int computed;

        public int BatchesPerEpoch => Examples / BatchSize;

        public IEnumerable<long[]> Batches(int epoch, int firstBatch, CancellationToken cancellationToken)
        {
            long[] order = [.. Enumerable.Range(0, Examples).Select(i => (long)i)];
            new Random(Seeds.Mix(Seed, epoch, -1)).Shuffle(order);
            return Enumerable.Range(firstBatch, BatchesPerEpoch - firstBatch).Select(b => order[(b * BatchSize)..((b + 1) * BatchSize)]);
        }

        public BatchLoss Compute(long[] batch, int epoch, int batchIndex, long seed)
        {
            var index = tensor(batch);
            var x = nn.functional.dropout(inputs.index_select(0, index), 0.3, training: true);
            var loss = nn.functional.mse_loss(model.call(x), targets.index_select(0, index));
            if (++computed == divergeAtStep)
            {
                loss = loss * double.NaN;
            }
            return new BatchLoss(loss, batch.Length, [1]);
        }
    }

    /// <summary>A run and what its last save wrote (in memory, as a run folder would hold it).</summary>
    private sealed class Run : IDisposable
    {
        private readonly Tensor inputs;
        private readonly Tensor targets;

        public Run()
        {
            manual_seed(Seed);
            Model = nn.Linear(4, 1);
            inputs = randn(Examples, 4);
            targets = inputs.matmul(tensor(new float[] { 1, -2, 0.5f, 3 }).unsqueeze(1)) + 0.25;
            Optimizer = new Optimizer(Model, new TrainingOptions { LearningRate = 0.05 });
        }

        public nn.Module<Tensor, Tensor> Model { get; }

        public Optimizer Optimizer { get; }

        public (LoopState State, Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Moments)? Saved { get; private set; }

        public TrainingLoop<LoopState, (double Loss, double Batches)> Loop(LoopState state, Action<BatchReport>? batchDone = null,
            (LoopState State, Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Moments)? resumeFrom = null, double maxMinutes = 0) =>
            new(state)
            {
                Seed = Seed,
                Epochs = 3,
                GradientClip = 1.0,
                MaxMinutes = maxMinutes,
                Layout = Layout,
                Optimizer = Optimizer,
                LearningRate = new CosineSchedule(0.05, 0, 2, 12).Rate,
                Modules = [Model],
                Resume = resumeFrom is { } saved
                    ? () =>
                    {
                        Model.load_state_dict(saved.Weights);
                        Optimizer.LoadStateDict(saved.Moments);
                    }
                    : null,
                Save = current => Saved = (current, Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()),
                    Optimizer.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.clone())),
                EndEpoch = (current, epoch) => current with { History = [.. current.History, (epoch.Sums.MeanLoss, epoch.Sums.Metrics[0])] },
                BatchDone = batchDone,
            };

        public RegressionStep Step(int? divergeAtStep = null) => new(Model, inputs, targets, divergeAtStep);

        public void Dispose() => Model.Dispose();
    }

    private static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys)
        {
            Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{key} differs");
        }
    }

    [Fact]
    public void A_run_stopped_mid_epoch_and_resumed_ends_bit_identical_to_an_uninterrupted_one()
    {
        using var straight = new Run();
        var straightLoop = straight.Loop(new LoopState());
        Assert.Equal(TrainingOutcome.Finished, straightLoop.Run(straight.Step(), CancellationToken.None));
        Assert.Equal((3, 0, 12L, true), (straightLoop.State.Epoch, straightLoop.State.Batch, straightLoop.State.Step, straightLoop.State.Finished));
        Assert.Equal(3, straightLoop.State.History.Count);
        Assert.Equal(3L * Examples, straightLoop.State.ExamplesTrained);
        Assert.All(straightLoop.State.History, epoch => Assert.Equal(4, epoch.Batches));

        using var cancel = new CancellationTokenSource();
        using var first = new Run();
        var firstLoop = first.Loop(new LoopState(), batch =>
        {
            if (batch.Step == 6)
            {
                cancel.Cancel();
            }
        });
        Assert.Equal(TrainingOutcome.Cancelled, firstLoop.Run(first.Step(), cancel.Token));
        var saved = first.Saved!.Value;
        Assert.Equal((1, 2, 6L, false), (saved.State.Epoch, saved.State.Batch, saved.State.Step, saved.State.Finished));
        // Two batches of epoch 2 in the layout's slots: 16 examples at index 0, 2 batches at index 3.
        Assert.Equal((16.0, 2.0), (saved.State.PartialEpoch[0], saved.State.PartialEpoch[3]));
        Assert.Equal(6L * BatchSize, saved.State.ExamplesTrained);

        // A new session: freshly initialised weights, which the loop's resume replaces with the saved ones.
        using var second = new Run();
        var secondLoop = second.Loop(saved.State, resumeFrom: saved);
        Assert.Equal(TrainingOutcome.Finished, secondLoop.Run(second.Step(), CancellationToken.None));
        AssertSameWeights(straight.Model, second.Model);
        Assert.Equal(straightLoop.State.History, secondLoop.State.History);
        Assert.Equal(straightLoop.State.ExamplesTrained, secondLoop.State.ExamplesTrained);
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_before_the_update()
    {
        using var run = new Run();
        Dictionary<string, Tensor>? afterSecondStep = null;
        var loop = run.Loop(new LoopState(), batch =>
        {
            if (batch.Step == 2)
            {
                afterSecondStep = run.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            }
        });
        var ex = Assert.Throws<TrainingDivergedException>(() => loop.Run(run.Step(divergeAtStep: 3), CancellationToken.None));
        Assert.Equal((3L, 1), (ex.Step, ex.Epoch));
        Assert.Equal(2, run.Optimizer.Steps);
        Assert.NotNull(afterSecondStep);
        foreach (var (key, value) in run.Model.state_dict())
        {
            Assert.True(afterSecondStep[key].equal(value).all().item<bool>(), $"{key} changed after the NaN loss");
        }
        Assert.Null(run.Saved);
    }

    [Fact]
    public void A_spent_time_budget_stops_after_a_batch_and_saves_where_the_run_is()
    {
        using var run = new Run();
        var loop = run.Loop(new LoopState(), maxMinutes: 1e-9);
        Assert.Equal(TrainingOutcome.TimeLimit, loop.Run(run.Step(), CancellationToken.None));
        var saved = run.Saved!.Value.State;
        Assert.Equal((0, 1, 1L, false), (saved.Epoch, saved.Batch, saved.Step, saved.Finished));
        Assert.Equal(Layout.Length, saved.PartialEpoch.Length);
        Assert.Equal(BatchSize, saved.PartialEpoch[0]);
        Assert.Equal(BatchSize, saved.ExamplesTrained);
    }
}

namespace Manabi.Torch.Training;

/// <summary>How a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>All epochs are done.</summary>
    Finished,

    /// <summary>The time budget ran out; the state is saved and the run can be resumed.</summary>
    TimeLimit,

    /// <summary>Cancelled (Ctrl-C); the state is saved and the run can be resumed.</summary>
    Cancelled,
}

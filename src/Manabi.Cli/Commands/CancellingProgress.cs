using Manabi.Text;

namespace Manabi.Cli.Commands;

/// <summary>Forwards progress and throws <see cref="OperationCanceledException"/> once cancellation is requested.</summary>
internal sealed class CancellingProgress(IProgress<WordPieceTrainingProgress>? inner, CancellationToken cancellationToken)
    : IProgress<WordPieceTrainingProgress>
{
    public void Report(WordPieceTrainingProgress value)
    {
        cancellationToken.ThrowIfCancellationRequested();
        inner?.Report(value);
    }
}

using Manabi.Vectors;

namespace Manabi.Cli.Commands;

/// <summary>
/// Forwards conversion progress and throws <see cref="OperationCanceledException"/> once cancellation is requested;
/// the converter takes no token, so its progress callback is where it gets cancelled.
/// </summary>
internal sealed class CancellingConvertProgress(Action<ConvertProgress>? inner, CancellationToken cancellationToken)
    : IProgress<ConvertProgress>
{
    public void Report(ConvertProgress value)
    {
        cancellationToken.ThrowIfCancellationRequested();
        inner?.Invoke(value);
    }
}

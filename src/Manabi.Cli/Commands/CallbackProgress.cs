using Manabi.Text;

namespace Manabi.Cli.Commands;

/// <summary>Reports training progress synchronously on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class CallbackProgress(Action<WordPieceTrainingProgress> report) : IProgress<WordPieceTrainingProgress>
{
    public void Report(WordPieceTrainingProgress value) => report(value);
}

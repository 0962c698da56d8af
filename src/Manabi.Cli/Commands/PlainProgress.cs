using System.Globalization;
using Manabi.Text;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary>Training progress as plain lines for a non-interactive console: one per stage and per 25% of it.</summary>
internal sealed class PlainProgress(IAnsiConsole console) : IProgress<WordPieceTrainingProgress>
{
    private readonly Lock _gate = new();
    private string? _stage;
    private int _quarter = -1;

    public void Report(WordPieceTrainingProgress value)
    {
        int quarter = value.Total <= 0 ? 4 : (int)Math.Min(4, value.Done * 4 / value.Total);
        lock (_gate)
        {
            if (value.Stage == _stage && quarter <= _quarter)
            {
                return;
            }
            _stage = value.Stage;
            _quarter = quarter;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value.Stage}: {quarter * 25}%"));
        }
    }
}

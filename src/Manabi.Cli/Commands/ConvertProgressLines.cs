using System.Globalization;
using Manabi.Vectors;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary>Conversion progress as plain lines for a non-interactive console: one per stage and per 25% of it.</summary>
internal sealed class ConvertProgressLines(IAnsiConsole console) : IProgress<ConvertProgress>
{
    private readonly Lock _gate = new();
    private string? _stage;
    private int _quarter = -1;

    public void Report(ConvertProgress value)
    {
        int quarter = (int)Math.Clamp(value.Fraction * 4, 0, 4);
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

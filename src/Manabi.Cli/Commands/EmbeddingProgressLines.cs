using System.Globalization;

namespace Manabi.Cli.Commands;

/// <summary>
/// Embedding progress as plain lines on the error stream, so that the results on standard output stay clean: one line
/// when the work starts and one per 25% of the texts, as the training commands print theirs.
/// </summary>
internal sealed class EmbeddingProgressLines : IProgress<int>
{
    private readonly Lock _gate = new();
    private readonly TextWriter _error;
    private readonly int _total;
    private int _quarter = -1;

    /// <summary>Prints the starting line at once: a long model load followed by silence looked like a hang.</summary>
    public EmbeddingProgressLines(TextWriter error, int total)
    {
        _error = error;
        _total = total;
        Report(0);
    }

    /// <summary>Takes the number of texts embedded so far; batches finish on several threads, so counts may arrive out of order.</summary>
    public void Report(int value)
    {
        int quarter = _total <= 0 ? 4 : (int)Math.Min(4, (long)value * 4 / _total);
        lock (_gate)
        {
            if (quarter <= _quarter)
            {
                return;
            }
            _quarter = quarter;
            _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Embed {_total:N0} texts: {quarter * 25}%"));
        }
    }
}

using System.Globalization;
using Manabi.Cli.Output;
using Manabi.Text;

namespace Manabi.Cli.Commands;

/// <summary>
/// Embedding progress on the error stream, so that the results on standard output stay clean: the training commands'
/// <see cref="PlainProgress"/> lines ("Embed N texts: 25%"), one when the work starts and one per 25% of the texts.
/// </summary>
internal sealed class EmbeddingProgressLines : IProgress<int>
{
    private readonly PlainProgress _lines;
    private readonly string _stage;
    private readonly int _total;

    /// <summary>Prints the starting line at once: a long model load followed by silence looked like a hang.</summary>
    public EmbeddingProgressLines(TextWriter error, int total)
    {
        _lines = new PlainProgress(Terminal.CreateConsole(error));
        _stage = string.Create(CultureInfo.InvariantCulture, $"Embed {total:N0} texts");
        _total = total;
        Report(0);
    }

    /// <summary>Takes the number of texts embedded so far (batches finish on several threads; PlainProgress keeps the lines in order).</summary>
    public void Report(int value) => _lines.Report(new WordPieceTrainingProgress(_stage, value, _total));
}

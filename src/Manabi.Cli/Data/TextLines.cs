using Manabi.Text;

namespace Manabi.Cli.Data;

/// <summary>
/// The one way the CLI reads a text file line by line: strict UTF-8 through <see cref="Utf8LineReader"/>, so an
/// invalid byte is an error naming file and line (exit 2) in every command, never a silent U+FFFD in the data.
/// </summary>
internal static class TextLines
{
    /// <summary>The lines of <paramref name="path"/> with their 1-based numbers, in order, blank ones included.</summary>
    /// <exception cref="TokenizerFormatException">The file cannot be read or a line is not valid UTF-8.</exception>
    public static IEnumerable<(string Line, int Number)> Read(string path)
    {
        using var reader = new Utf8LineReader(path);
        while (reader.ReadLine() is { } line)
        {
            yield return (line, reader.LineNumber);
        }
    }
}

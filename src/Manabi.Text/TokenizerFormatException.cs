namespace Manabi.Text;

/// <summary>Bad tokenizer input (a vocabulary, a tokenizer.json, a text file): names the file and line.</summary>
public sealed class TokenizerFormatException : FormatException
{
    /// <summary>Creates the exception; the message reads "FILE:LINE: problem".</summary>
    public TokenizerFormatException(string problem, string? filePath, int lineNumber, Exception? inner = null)
        : base(Describe(problem, filePath, lineNumber), inner)
    {
        Problem = problem;
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>Creates the exception without a location.</summary>
    public TokenizerFormatException(string problem) : this(problem, null, 0)
    {
    }

    /// <summary>Creates the exception without a location.</summary>
    public TokenizerFormatException() : this("bad tokenizer input")
    {
    }

    /// <summary>Creates the exception without a location.</summary>
    public TokenizerFormatException(string problem, Exception inner) : this(problem, null, 0, inner)
    {
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The offending file, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line, or 0 when the problem is not on one line.</summary>
    public int LineNumber { get; }

    private static string Describe(string problem, string? filePath, int lineNumber) => (filePath, lineNumber) switch
    {
        (null, _) => problem,
        (_, > 0) => $"{filePath}:{lineNumber}: {problem}",
        _ => $"{filePath}: {problem}",
    };
}

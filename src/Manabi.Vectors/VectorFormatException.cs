namespace Manabi.Vectors;

/// <summary>
/// A vector file or store that cannot be read: a malformed import line, ragged dimensions, an unknown format,
/// a truncated or corrupted store, or a store written by another format version.
/// </summary>
public sealed class VectorFormatException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public VectorFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public VectorFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line of a file; the message names both.</summary>
    public VectorFormatException(string filePath, long line, string problem)
        : base($"{filePath}:{line}: {problem}")
    {
        FilePath = filePath;
        Line = line;
    }

    /// <summary>Creates the exception without details (for serializers and analyzers).</summary>
    public VectorFormatException()
    {
    }

    /// <summary>The file that failed, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line (or record, for binary files) that failed; 0 when not about one line.</summary>
    public long Line { get; }
}

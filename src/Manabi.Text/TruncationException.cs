namespace Manabi.Text;

/// <summary>Truncation that HF tokenizers refuses, with HF's message.</summary>
public sealed class TruncationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TruncationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TruncationException() : base("Truncation error")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TruncationException(string message, Exception inner) : base(message, inner)
    {
    }

    internal static TruncationException SecondSequenceNotProvided() => new("Truncation error: Second sequence not provided");

    internal static TruncationException SequenceTooShort() =>
        new("Truncation error: Sequence to truncate too short to respect the provided max_length");
}

namespace Manabi.Cli.Tour;

/// <summary>
/// Thrown by a tour section that cannot run because something optional is absent (e.g. Fashion-MNIST); the tour
/// marks it not run, not failed. The message must say how to get what is missing.
/// </summary>
public sealed class TourSectionSkippedException : Exception
{
    /// <summary>Creates the exception with no reason (prefer the constructor taking one).</summary>
    public TourSectionSkippedException()
        : base("A resource the section needs is absent.")
    {
    }

    /// <summary>Creates the exception; <paramref name="message"/> says what is missing and how to get it.</summary>
    public TourSectionSkippedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that revealed the absence.</summary>
    public TourSectionSkippedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

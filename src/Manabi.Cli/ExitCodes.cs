namespace Manabi.Cli;

/// <summary>The exit codes of the <c>manabi</c> command, part of its scripting contract.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but something it checks or runs failed (a doctor check, a tour section).</summary>
    public const int Failure = 1;

    /// <summary>The input was unusable: a bad option value, a malformed or missing file.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT, as shells report it); long commands save their state first.</summary>
    public const int Interrupted = 130;
}

namespace Manabi.Cli;

/// <summary>
/// Bad input from the user (an option value, a file or a line in it). The message is shown as is and
/// the command exits with <see cref="ExitCodes.BadInput"/>, so it must name the option or <c>file:line</c>.
/// </summary>
public sealed class InputException : Exception
{
    /// <summary>Creates the exception with a message that names where the bad input is.</summary>
    public InputException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    public InputException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message; prefer the overloads that say where.</summary>
    public InputException() : base("Invalid input.")
    {
    }
}

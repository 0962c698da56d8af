namespace Manabi.Cli.Commands;

/// <summary>Option checks shared by commands; failures are <see cref="InputException"/>s naming the option.</summary>
internal static class Check
{
    /// <summary>Throws unless <paramref name="value"/> is absent or positive (or zero, when <paramref name="allowZero"/>).</summary>
    public static void Positive(int? value, string option, bool allowZero = false)
    {
        if (value is { } v && (v < 0 || (v == 0 && !allowZero)))
        {
            throw new InputException($"{option} must be {(allowZero ? "0 or more" : "positive")}, got {v}.");
        }
    }

    /// <summary>Runs <paramref name="create"/>, turning its <see cref="ArgumentException"/> into bad input.</summary>
    public static T Input<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException ex)
        {
            throw new InputException(ex.Message, ex);
        }
    }
}

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

    /// <summary>
    /// Runs a library check of a run folder or data set, turning its <see cref="InvalidDataException"/> or
    /// <see cref="IOException"/> into bad input under <paramref name="option"/>.
    /// </summary>
    public static void Input(Action check, string option)
    {
        ArgumentNullException.ThrowIfNull(check);
        Input(() => { check(); return true; }, option);
    }

    /// <summary>Runs <paramref name="load"/>, turning its <see cref="InvalidDataException"/> or <see cref="IOException"/> into bad input under <paramref name="option"/>.</summary>
    public static T Input<T>(Func<T> load, string option)
    {
        ArgumentNullException.ThrowIfNull(load);
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new InputException($"{option}: {ex.Message}", ex);
        }
    }
}

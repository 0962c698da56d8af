namespace Manabi.Cli.Commands;

/// <summary>Option checks shared by commands; failures are <see cref="InputException"/>s naming the option.</summary>
internal static class Check
{
    /// <summary>Throws unless <paramref name="value"/> is absent or positive.</summary>
    public static void Positive(int? value, string option)
    {
        if (value is { } v && v <= 0)
        {
            throw new InputException($"{option} must be positive, got {v}.");
        }
    }
}

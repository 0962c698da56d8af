using System.Globalization;

namespace Manabi.Numerics;

/// <summary>
/// The base of the logarithm that sets the unit of an entropy or divergence:
/// e gives nats, 2 gives bits, 10 gives hartleys (dits).
/// </summary>
/// <param name="Value">
/// The base itself: positive, finite and not 1. <c>default(LogBase)</c> (a value of 0) means nats, so that
/// an omitted optional argument reports in nats.
/// </param>
public readonly record struct LogBase(double Value)
{
    /// <summary>Natural logarithm (base e): results in nats.</summary>
    public static LogBase Nats { get; } = new(Math.E);

    /// <summary>Base 2: results in bits (shannons).</summary>
    public static LogBase Bits { get; } = new(2.0);

    /// <summary>Base 10: results in hartleys (dits, bans).</summary>
    public static LogBase Decimal { get; } = new(10.0);

    /// <summary>Whether results in this base are nats (the value is 0, the default, or e).</summary>
    public bool IsNats => Value == 0.0 || Value == Math.E;

    /// <summary>
    /// The natural logarithm of the base: how many nats one unit of this base holds (ln 2 for bits).
    /// </summary>
    /// <exception cref="ArgumentException">The base is negative, 1, NaN or infinite.</exception>
    public double NaturalLogarithm
    {
        get
        {
            EnsureValid("logBase");
            return IsNats ? 1.0 : Math.Log(Value);
        }
    }

    /// <summary>The name of the unit: "nats", "bits", "hartleys", or "log base X" for any other base.</summary>
    public string UnitName => IsNats ? "nats"
        : Value == 2.0 ? "bits"
        : Value == 10.0 ? "hartleys"
        : string.Create(CultureInfo.InvariantCulture, $"log base {Value}");

    /// <summary>Converts a quantity measured in nats into this base's unit.</summary>
    /// <param name="nats">An entropy or divergence in nats.</param>
    /// <returns><paramref name="nats"/> divided by the natural logarithm of the base (as scipy does with <c>base=</c>).</returns>
    /// <exception cref="ArgumentException">The base is negative, 1, NaN or infinite.</exception>
    public double FromNats(double nats) => IsNats ? nats : nats / NaturalLogarithm;

    /// <summary>
    /// Reads a base from text: "e", "nat", "nats" or "ln" give nats; "2", "bit", "bits" or "shannons" give bits;
    /// "10", "dit", "dits", "hartley", "hartleys" or "bans" give hartleys; any other positive finite number other than 1
    /// (invariant culture, e.g. "3" or "1.5") is used as the base itself. Case and surrounding spaces are ignored.
    /// </summary>
    /// <param name="text">The text to read.</param>
    /// <returns>The base the text names.</returns>
    /// <exception cref="ArgumentException">The text names no valid base; the message quotes it.</exception>
    public static LogBase Parse(string text)
    {
        if (TryParse(text, out LogBase logBase))
        {
            return logBase;
        }
        throw new ArgumentException(
            $"'{text}' is not a logarithm base: use e/nats, 2/bits, 10/dits/hartleys, or a positive number other than 1.",
            nameof(text));
    }

    /// <summary>Reads a base from text like <see cref="Parse(string)"/>, without throwing.</summary>
    /// <param name="text">The text to read; null fails.</param>
    /// <param name="logBase">The base read, or <c>default</c> when the text names none.</param>
    /// <returns>Whether the text names a valid base.</returns>
    public static bool TryParse(string? text, out LogBase logBase)
    {
        logBase = default;
        if (text is null)
        {
            return false;
        }
        switch (text.Trim().ToLowerInvariant())
        {
            case "e" or "nat" or "nats" or "ln":
                logBase = Nats;
                return true;
            case "bit" or "bits" or "shannon" or "shannons":
                logBase = Bits;
                return true;
            case "dit" or "dits" or "hartley" or "hartleys" or "ban" or "bans":
                logBase = Decimal;
                return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && IsValidBase(value))
        {
            logBase = new LogBase(value);
            return true;
        }
        return false;
    }

    /// <summary>The unit's name, e.g. "bits".</summary>
    /// <returns><see cref="UnitName"/>.</returns>
    public override string ToString() => UnitName;

    /// <summary>Throws unless the base is usable (0 for nats, or positive, finite and not 1).</summary>
    internal void EnsureValid(string parameterName)
    {
        if (Value != 0.0 && !IsValidBase(Value))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{parameterName} must be a positive, finite number other than 1 (was {Value})."),
                parameterName);
        }
    }

    private static bool IsValidBase(double value) => value > 0.0 && double.IsFinite(value) && value != 1.0;
}

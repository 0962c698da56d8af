using System.Globalization;
using System.Runtime.CompilerServices;

namespace Manabi.Torch.Training;

/// <summary>
/// Range checks of training options, for trainers' constructors: a NaN or negative learning rate does not fail when
/// the trainer is built but trains a model of NaN weights, so the options are checked before any work starts.
/// Each failure is an <see cref="ArgumentOutOfRangeException"/> whose parameter name is the option's expression,
/// e.g. <c>options.LearningRate</c>.
/// </summary>
public static class TrainingChecks
{
    /// <summary>Throws unless <paramref name="value"/> is a finite number greater than 0.</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="name">The option's name; the caller's expression by default.</param>
    public static void Positive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0, got {Show(value)}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite number of 0 or more.</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="name">The option's name; the caller's expression by default.</param>
    public static void NonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(double.IsFinite(value) && value >= 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number of 0 or more, got {Show(value)}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed.</param>
    /// <param name="name">The option's name; the caller's expression by default.</param>
    public static void InRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(double.IsFinite(value) && value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value,
                string.Create(CultureInfo.InvariantCulture, $"{name} must be a number from {min} to {max}, got {Show(value)}."));
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is greater than 0.</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="name">The option's name; the caller's expression by default.</param>
    public static void Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be greater than 0, got {value}.");
        }
    }

    /// <summary>
    /// Throws unless <paramref name="momentum"/> is a number from 0 to 1 and Nesterov momentum, when asked for, comes
    /// with the SGD optimiser and a momentum above 0. PyTorch refuses the same: with no momentum the Nesterov step is
    /// plain SGD, and AdamW has no such step, so the switch would mislead.
    /// </summary>
    /// <param name="optimizer">The optimiser.</param>
    /// <param name="momentum">The SGD momentum.</param>
    /// <param name="nesterov">Whether Nesterov momentum is asked for.</param>
    /// <param name="momentumName">The momentum option's name; the caller's expression by default.</param>
    /// <param name="nesterovName">The Nesterov option's name; the caller's expression by default.</param>
    public static void SgdMomentum(OptimizerKind optimizer, double momentum, bool nesterov,
        [CallerArgumentExpression(nameof(momentum))] string? momentumName = null,
        [CallerArgumentExpression(nameof(nesterov))] string? nesterovName = null)
    {
        InRange(momentum, 0, 1, momentumName);
        if (nesterov && (optimizer != OptimizerKind.Sgd || momentum == 0))
        {
            throw new ArgumentException($"{nesterovName} needs the SGD optimiser with a momentum above 0, got {optimizer} with momentum {Show(momentum)}.", nesterovName);
        }
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}

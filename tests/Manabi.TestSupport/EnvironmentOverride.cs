namespace Manabi.TestSupport;

/// <summary>
/// Sets environment variables for the length of a test and restores their previous values on dispose. They are
/// process-wide, so tests using this belong to a collection that does not run in parallel with others.
/// </summary>
public sealed class EnvironmentOverride : IDisposable
{
    private readonly Dictionary<string, string?> _previous = new(StringComparer.Ordinal);

    /// <summary>Sets each variable (null unsets it), remembering the values to restore.</summary>
    public EnvironmentOverride(params (string Name, string? Value)[] variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (var (name, value) in variables)
        {
            _previous.TryAdd(name, Environment.GetEnvironmentVariable(name));
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>Restores the variables' previous values.</summary>
    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

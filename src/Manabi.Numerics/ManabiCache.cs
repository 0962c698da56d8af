namespace Manabi.Numerics;

/// <summary>
/// Manabi's one cache folder for models, data sets and indexes: <c>$MANABI_CACHE</c>, else
/// <c>$XDG_CACHE_HOME/manabi</c>, else <c>~/.cache/manabi</c>. Every package resolves its cached files through this
/// class so that one variable moves all of them (it lives in Manabi.Numerics because every package references it).
/// </summary>
public static class ManabiCache
{
    /// <summary>The variable that overrides the cache folder.</summary>
    public const string EnvironmentVariable = "MANABI_CACHE";

    /// <summary>
    /// The cache folder: <c>$MANABI_CACHE</c>, else <c>$XDG_CACHE_HOME/manabi</c>, else <c>~/.cache/manabi</c>.
    /// Read on every call, so a changed variable takes effect at once; the folder is not created.
    /// </summary>
    public static string Root =>
        NonEmpty(EnvironmentVariable) is { } cache ? cache
        : NonEmpty("XDG_CACHE_HOME") is { } xdg ? Path.Combine(xdg, "manabi")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "manabi");

    /// <summary>Imported and converted models, one folder each: <c><see cref="Root"/>/models</c>.</summary>
    public static string Models => Path.Combine(Root, "models");

    /// <summary>Data sets, one folder each (e.g. <c>fashion-mnist</c>): <c><see cref="Root"/>/data</c>.</summary>
    public static string Data => Path.Combine(Root, "data");

    /// <summary>Search indexes built by <c>manabi search</c>: <c><see cref="Root"/>/indexes</c>.</summary>
    public static string Indexes => Path.Combine(Root, "indexes");

    /// <summary>The value of an environment variable, or null when it is unset or empty (empty means unset, as in XDG).</summary>
    internal static string? NonEmpty(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

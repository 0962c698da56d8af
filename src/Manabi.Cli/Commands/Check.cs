using System.Globalization;
using System.Runtime.InteropServices;

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

    /// <summary>Throws unless <paramref name="value"/> is absent or a finite number greater than 0.</summary>
    public static void Positive(double? value, string option)
    {
        if (value is { } v && !(double.IsFinite(v) && v > 0))
        {
            throw new InputException($"{option} must be a number greater than 0, got {Show(v)}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is absent or a finite number of 0 or more.</summary>
    public static void NonNegative(double? value, string option)
    {
        if (value is { } v && !(double.IsFinite(v) && v >= 0))
        {
            throw new InputException($"{option} must be a number of 0 or more, got {Show(v)}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is absent or a finite number (not NaN or an infinity).</summary>
    public static void Finite(double? value, string option)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            throw new InputException($"{option} must be a finite number, got {Show(v)}.");
        }
    }

    /// <summary>
    /// Throws unless <paramref name="value"/> is absent or a finite number in [<paramref name="min"/>, <paramref name="max"/>]
    /// (or [min, max) when <paramref name="maxExclusive"/>).
    /// </summary>
    public static void InRange(double? value, string option, double min, double max, bool maxExclusive = false)
    {
        if (value is { } v && !(double.IsFinite(v) && v >= min && (maxExclusive ? v < max : v <= max)))
        {
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"{option} must be a number from {min} to {max}{(maxExclusive ? " (exclusive)" : "")}, got {Show(v)}."));
        }
    }

    // "NaN" and "-1" rather than the culture's spelling: the message echoes what the user typed.
    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

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

    /// <summary>
    /// Throws unless <paramref name="output"/> is a different file from every one of <paramref name="inputs"/>: writing a
    /// command's output over its own input replaces the input (atomically, so silently) before anyone notices.
    /// Two paths are the same file when their full paths are equal or, both existing, when they are one file under two
    /// names (a symbolic or hard link: same device and inode). Absent inputs are skipped; the option that reads them
    /// reports them. Call before any work is done.
    /// </summary>
    /// <param name="output">The output path, or null when the command writes none.</param>
    /// <param name="outputOption">The option that names <paramref name="output"/>, e.g. <c>--output</c>.</param>
    /// <param name="inputs">Each input path (null when not given) with the option that names it.</param>
    /// <exception cref="InputException">The output is one of the inputs.</exception>
    public static void DistinctFiles(string? output, string outputOption, params (string? Path, string Option)[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (string.IsNullOrEmpty(output))
        {
            return;
        }
        foreach (var (input, inputOption) in inputs)
        {
            if (!string.IsNullOrEmpty(input) && SameFile(input, output))
            {
                throw new InputException(
                    $"{outputOption} {output} is the same file as {inputOption} {input}; writing it would replace the input. Give another {outputOption}.");
            }
        }
    }

    /// <summary>
    /// Throws unless <paramref name="folder"/> can be an output folder: it is not a file, no folder above it is a file,
    /// and the nearest existing folder above it (or itself) is writable. Nothing is created. Call before long work, so
    /// that an unwritable output is refused at once rather than after training.
    /// </summary>
    /// <exception cref="InputException">The folder cannot be created or written; the message names the option.</exception>
    public static void OutputFolder(string? folder, string option)
    {
        if (string.IsNullOrEmpty(folder))
        {
            throw new InputException($"{option}: the path is empty.");
        }
        string full = Path.GetFullPath(folder);
        RequireWritableAncestor(full, full, option);
    }

    /// <summary>
    /// Throws unless <paramref name="file"/> can be written as an output file: it is not a folder, no folder above it is
    /// a file, and the nearest existing folder above it is writable. Nothing is created. Call before long work (embedding
    /// a whole input), so that an unwritable output is refused at once rather than after it.
    /// </summary>
    /// <exception cref="InputException">The file cannot be written; the message names the option and the path.</exception>
    public static void OutputFile(string? file, string option)
    {
        if (string.IsNullOrEmpty(file))
        {
            throw new InputException($"{option}: the path is empty.");
        }
        string full = Path.GetFullPath(file);
        if (Directory.Exists(full))
        {
            throw new InputException($"{option}: {full}: is a folder; give a file path.");
        }
        RequireWritableAncestor(full, Path.GetDirectoryName(full), option);
    }

    /// <summary>Walks up from <paramref name="start"/> to the nearest existing folder and checks that it takes a new file.</summary>
    private static void RequireWritableAncestor(string full, string? start, string option)
    {
        string? existing = start;
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new InputException(existing == full
                    ? $"{option}: {full}: is a file; give a folder."
                    : $"{option}: {full}: {existing} is a file, so no folder can be made under it.");
            }
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null)
        {
            return;
        }
        try
        {
            // A probe file is the only reliable test of write access (ACLs, read-only mounts, root's bypass of modes).
            using (File.Create(Path.Combine(existing, $".manabi-write-test-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option}: {full}: cannot write to {existing}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether an I/O error's <paramref name="message"/> is about writing <paramref name="output"/>: it names the output
    /// itself, something inside it (a run folder's files), or a temporary file beside it (<c>.NAME.*</c>, <c>NAME.tmp-*</c>,
    /// <c>NAME.checkpoints</c>), the names every writer here uses. A full or read-only file system shows up only then.
    /// </summary>
    internal static bool IsAbout(string message, string? output)
    {
        if (string.IsNullOrEmpty(output))
        {
            return false;
        }
        string full;
        try
        {
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
        string? folder = Path.GetDirectoryName(full);
        return message.Contains(full, StringComparison.Ordinal)
            || (folder is not null && message.Contains(Path.Combine(folder, "." + Path.GetFileName(full)), StringComparison.Ordinal));
    }

    /// <summary>Whether two paths name one file: equal full paths, or (both existing) the same device and inode.</summary>
    internal static bool SameFile(string first, string second)
    {
        string a, b;
        try
        {
            a = Path.TrimEndingDirectorySeparator(Path.GetFullPath(first));
            b = Path.TrimEndingDirectorySeparator(Path.GetFullPath(second));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false; // a path that cannot be resolved is reported by the option that opens it
        }
        // Windows and macOS file systems ignore case by default; Linux's do not.
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(a, b, comparison))
        {
            return true;
        }
        return FileIdentity.Of(a) is { } idA && FileIdentity.Of(b) is { } idB && idA == idB;
    }
}

/// <summary>
/// A file's device and inode numbers, which tell two names of one file apart from two files (symbolic links, hard links,
/// bind mounts). Read with libc's <c>stat</c> on Linux x64, the only platform the command is built for; elsewhere (or
/// when the call is unavailable) there is no identity and callers fall back to comparing paths.
/// </summary>
internal static class FileIdentity
{
    /// <summary>The (device, inode) pair of an existing file, or null when it cannot be read cheaply.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !Path.Exists(path))
        {
            return null;
        }
        // struct stat on Linux x86_64 is 144 bytes and starts with st_dev and st_ino, both 64-bit.
        var buffer = new byte[256];
        try
        {
            int rc;
            try
            {
                rc = Stat(path, buffer);
            }
            catch (EntryPointNotFoundException)
            {
                // glibc before 2.33 exports stat only as __xstat (version 1 is the x86_64 layout).
                rc = XStat(1, path, buffer);
            }
            if (rc != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "__xstat", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int XStat(int version, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
}

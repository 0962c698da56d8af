using System.Collections.Concurrent;

namespace Manabi.Cli.Data;

/// <summary>
/// Writes files through a temporary sibling and a rename, so readers never see a half-written file, and a failure or
/// a cancellation leaves no file at all.
/// </summary>
public static class AtomicFile
{
    // The temporary files being written now, so that a cancelled command that cannot stop its body can still remove them.
    private static readonly ConcurrentDictionary<string, byte> Pending = new(StringComparer.Ordinal);
    private static volatile bool s_abandoned;

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> atomically, creating the folder if needed.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="contents">The text, written as UTF-8 without a byte-order mark.</param>
    /// <param name="option">The option that named <paramref name="path"/>, for the error message (e.g. <c>--output</c>).</param>
    /// <exception cref="InputException">The file cannot be written there; the message names the option and the path.</exception>
    public static void WriteAllText(string path, string contents, string? option = null) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(contents);
        }, option);

    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/> filling the stream.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Fills the stream; what it throws passes through, after the temporary file is removed.</param>
    /// <param name="option">The option that named <paramref name="path"/>, for the error message (e.g. <c>--output</c>).</param>
    /// <exception cref="InputException">The file cannot be written there (a folder, a path under a regular file, a
    /// read-only folder, an empty path); the message names the option and the path.</exception>
    public static void Write(string path, Action<Stream> write, string? option = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Target(path, option);
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = Unwritable(path, option, () =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
                Pending[temporary] = 0;
                if (s_abandoned)
                {
                    throw new OperationCanceledException("The command was cancelled.");
                }
                return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
            }))
            {
                write(stream);
                Unwritable(path, option, () =>
                {
                    stream.Flush(flushToDisk: true);
                    return 0;
                });
            }
            Unwritable(path, option, () =>
            {
                File.Move(temporary, fullPath, overwrite: true);
                return 0;
            });
        }
        finally
        {
            Delete(temporary);
        }
    }

    /// <summary>
    /// Removes every temporary file being written and refuses new ones: the command was cancelled but its body cannot
    /// stop, and the process is about to end.
    /// </summary>
    public static void AbandonAll()
    {
        s_abandoned = true;
        foreach (string temporary in Pending.Keys)
        {
            Delete(temporary);
        }
    }

    private static string Target(string path, string? option)
    {
        string name = option is null ? "" : option + ": ";
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InputException($"{name}give a file path, not an empty one.");
        }
        string fullPath = Path.GetFullPath(path);
        // Checked first: the rename at the end would fail only after all the work of writing the file.
        if (Directory.Exists(fullPath) || Path.EndsInDirectorySeparator(path))
        {
            throw new InputException($"{name}{path}: is a folder; give a file name.");
        }
        return fullPath;
    }

    private static T Unwritable<T>(string path, string? option, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{(option is null ? "" : option + ": ")}{path}: cannot write the file: {ex.Message}", ex);
        }
    }

    private static void Delete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the error that brought us here matters more than a temporary file we could not remove.
        }
        Pending.TryRemove(temporary, out _);
    }
}

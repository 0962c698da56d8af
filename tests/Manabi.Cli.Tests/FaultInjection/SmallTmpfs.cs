using System.Diagnostics;

namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// A small tmpfs mounted for one test, to make an output folder full or read-only for real (chmod does not stop root).
/// Mounting needs root (CAP_SYS_ADMIN); without it the test fails with a message saying so, never skips.
/// </summary>
internal sealed class SmallTmpfs : IDisposable
{
    private const string Filler = ".filler";

    public SmallTmpfs(long bytes)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "manabi-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        var (code, message) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", Path);
        if (code != 0)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException(
                $"These tests mount a small tmpfs to fill an output folder and must run as root (mount -t tmpfs exited {code}: {message.Trim()}). " +
                "Run the suite as root, or in a container with CAP_SYS_ADMIN; see docs/RELIABILITY.md.");
        }
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Fills the file system with a hidden file until at most <paramref name="leaveFree"/> bytes are free.</summary>
    public void Fill(long leaveFree)
    {
        long available = new DriveInfo(Path).AvailableFreeSpace;
        long size = Math.Max(0, (available - leaveFree) / 4096 * 4096);
        using var filler = new FileStream(System.IO.Path.Combine(Path, Filler), FileMode.CreateNew);
        var page = new byte[4096];
        for (long written = 0; written < size; written += page.Length)
        {
            filler.Write(page);
        }
    }

    /// <summary>Remounts the file system read-only.</summary>
    public void MakeReadOnly()
    {
        var (code, message) = Run("mount", "-o", "remount,ro", Path);
        if (code != 0)
        {
            throw new InvalidOperationException($"mount -o remount,ro {Path} exited {code}: {message.Trim()}");
        }
    }

    /// <summary>Every entry on the file system (hidden ones included) but the filler.</summary>
    public string[] Entries() =>
    [
        .. Directory.EnumerateFileSystemEntries(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(e => System.IO.Path.GetRelativePath(Path, e)).Where(e => e != Filler).Order(StringComparer.Ordinal),
    ];

    public void Dispose()
    {
        // A lazy unmount still detaches the file system when something (a failed test's stray handle) keeps it busy.
        if (Run("umount", Path).Code != 0)
        {
            Run("umount", "-l", Path);
        }
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: an empty leftover mount point must not fail the test.
        }
    }

    private static (int Code, string Message) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"cannot run {program}: {ex.Message}");
        }
    }
}

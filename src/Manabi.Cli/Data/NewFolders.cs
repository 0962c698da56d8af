namespace Manabi.Cli.Data;

/// <summary>
/// Output folders a command may create: those that did not exist when it started and are still empty when it ends
/// (a failed or cancelled save removed its temporary files) are removed, so that a failure leaves nothing behind.
/// </summary>
internal sealed class NewFolders : IDisposable
{
    private readonly List<string> _absent = [];

    /// <summary>Remembers which of <paramref name="folders"/> (null ones skipped) do not exist yet.</summary>
    public NewFolders(params string?[] folders)
    {
        foreach (string? folder in folders)
        {
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder) && !File.Exists(folder))
            {
                _absent.Add(Path.GetFullPath(folder));
            }
        }
    }

    /// <summary>Removes each remembered folder that now exists and is empty.</summary>
    public void Dispose()
    {
        foreach (string folder in _absent)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the command's own error is the one to report.
            }
        }
    }
}

namespace Manabi.Numerics.IO;

/// <summary>
/// Writes a folder as a whole: its files are written into a temporary sibling folder, which is then renamed into
/// place, so a reader (or a crash) sees the old folder or the new one, never half of either. Every package that
/// saves a multi-file artefact (a sentence-transformers model, an embedding index) writes through it.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>
    /// Calls <paramref name="writeInto"/> with an empty temporary folder beside <paramref name="folder"/>, then
    /// replaces <paramref name="folder"/> (created with its parents if absent) by it. If writing fails, the
    /// temporary folder is removed and <paramref name="folder"/> is left as it was.
    /// </summary>
    /// <param name="folder">The folder to create or replace.</param>
    /// <param name="writeInto">Writes the folder's files into the path it is given.</param>
    public static void Write(string folder, Action<string> writeInto)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(writeInto);
        string target = Path.GetFullPath(folder).TrimEnd('/');
        string temp = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            writeInto(temp);
            if (Directory.Exists(target))
            {
                // Two renames, not one: Directory.Move cannot replace a folder. The old one is deleted only after
                // the new one is in place.
                string old = target + ".old-" + Guid.NewGuid().ToString("N")[..8];
                Directory.Move(target, old);
                Directory.Move(temp, target);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, target);
            }
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
    }
}

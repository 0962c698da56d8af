using System.Text;

namespace Manabi.Text;

/// <summary>Writes a file through a temporary sibling so that a failure never leaves a partial file.</summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string contents)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temporary, contents, Utf8NoBom);
        File.Move(temporary, full, overwrite: true);
    }
}

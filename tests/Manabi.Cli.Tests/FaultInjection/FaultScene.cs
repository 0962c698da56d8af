using System.Security.Cryptography;
using System.Text;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// The folder one fault case runs in, with helpers that write its inputs. Every file under the folder, and every
/// fixture a case reads in place, is hashed before and after the run: nothing may be added, removed or changed.
/// </summary>
internal sealed class FaultScene : IDisposable
{
    /// <summary>The length of the huge-line inputs: one line of 64 MiB without a newline.</summary>
    public const int HugeLineBytes = 64 << 20;

    private readonly TempFolder _folder = new();
    private readonly List<string> _fixtures = [];

    public string Root => _folder.Path;

    public string PathOf(string name) => Path.Combine(Root, name);

    public string Text(string name, string contents)
    {
        string path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        return path;
    }

    public string Bytes(string name, byte[] contents)
    {
        string path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, contents);
        return path;
    }

    /// <summary>A path in the scene with nothing there.</summary>
    public string Missing(string name) => PathOf(name);

    /// <summary>An empty folder where a file is expected.</summary>
    public string Folder(string name) => Directory.CreateDirectory(PathOf(name)).FullName;

    /// <summary>A file of seeded random bytes (NULs and bytes that are never UTF-8 included).</summary>
    public string Garbage(string name, int length = 4096)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0x00;
        return Bytes(name, bytes);
    }

    /// <summary>Valid UTF-8 lines with an invalid sequence (0xC3 0x28) in line <paramref name="badLine"/>.</summary>
    public string InvalidUtf8(string name, string[] lines, int badLine)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < lines.Length; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(lines[i]));
            if (i + 1 == badLine)
            {
                bytes.AddRange((byte[])[0xC3, 0x28]);
            }
            bytes.Add((byte)'\n');
        }
        return Bytes(name, [.. bytes]);
    }

    /// <summary>One line of <see cref="HugeLineBytes"/> bytes, <paramref name="prefix"/> then 'a's, ending in an invalid byte, no newline.</summary>
    public string HugeLine(string name, string prefix = "")
    {
        var bytes = new byte[HugeLineBytes];
        Array.Fill(bytes, (byte)'a');
        Encoding.UTF8.GetBytes(prefix).CopyTo(bytes, 0);
        bytes[^1] = 0xFF;
        return Bytes(name, bytes);
    }

    /// <summary>A committed fixture, read in place; hashed with the scene so that a write to it fails the case.</summary>
    public string Fixture(params string[] parts) => Shared(Fixtures.Path(parts));

    /// <summary>A file or folder outside the scene that the case reads in place; hashed with the scene.</summary>
    public string Shared(string path)
    {
        _fixtures.Add(path);
        return path;
    }

    /// <summary>A copy of a fixture folder (to be damaged) under <paramref name="name"/>.</summary>
    public string CopyOfFixture(string name, params string[] parts) => CopyFolder(Fixtures.Path(parts), PathOf(name));

    /// <summary>A copy of a folder under <paramref name="name"/>.</summary>
    public string CopyOf(string source, string name) => CopyFolder(source, PathOf(name));

    private static string CopyFolder(string source, string target)
    {
        foreach (string dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
        return target;
    }

    /// <summary>Every entry under the scene (hidden ones included) and every fixture read in place, with a content hash.</summary>
    public SortedDictionary<string, string> Snapshot()
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (string entry in Directory.EnumerateFileSystemEntries(Root, "*", options))
        {
            entries[Path.GetRelativePath(Root, entry)] = Directory.Exists(entry) ? "folder" : Hash(entry);
        }
        foreach (string fixture in _fixtures.Distinct(StringComparer.Ordinal))
        {
            foreach (string file in Directory.Exists(fixture) ? Directory.EnumerateFiles(fixture, "*", options) : [fixture])
            {
                entries["fixture:" + file] = Hash(file);
            }
        }
        return entries;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public void Dispose() => _folder.Dispose();
}

using Manabi.Numerics.IO;

namespace Manabi.Numerics.Tests.IO;

public sealed class AtomicDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("manabi-atomic-dir-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_new_folder_appears_whole_with_its_parents()
    {
        string folder = Path.Combine(_root, "a", "b", "model");
        AtomicDirectory.Write(folder, temp =>
        {
            Assert.False(Directory.Exists(folder), "the target must not exist while it is being written");
            File.WriteAllText(Path.Combine(temp, "one.txt"), "1");
            File.WriteAllText(Path.Combine(temp, "two.txt"), "2");
        });
        Assert.Equal(["one.txt", "two.txt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!));
    }

    [Fact]
    public void An_existing_folder_is_replaced_and_nothing_of_the_old_one_remains()
    {
        string folder = Path.Combine(_root, "index");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "stale.txt"), "old");
        AtomicDirectory.Write(folder, temp => File.WriteAllText(Path.Combine(temp, "fresh.txt"), "new"));
        Assert.Equal(["fresh.txt"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Single(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_folder_untouched_and_no_temporary_folder()
    {
        string folder = Path.Combine(_root, "model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "weights.bin"), "old");
        Assert.Throws<IOException>(() => AtomicDirectory.Write(folder, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "weights.bin"), "half");
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(Path.Combine(folder, "weights.bin")));
        Assert.Single(Directory.GetFileSystemEntries(_root));
    }
}

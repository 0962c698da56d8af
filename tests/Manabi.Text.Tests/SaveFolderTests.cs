namespace Manabi.Text.Tests;

/// <summary><see cref="WordPieceTokenizer.SaveFolder"/> writes vocab.txt and tokenizer.json as a set, or neither.</summary>
public sealed class SaveFolderTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("manabi-savefolder-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private static WordPieceTokenizer Tokenizer(params string[] extra) =>
        WordPieceTokenizer.CreateBert(new WordPieceVocabulary(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", .. extra]));

    /// <summary>Makes the second file's write fail: a folder stands where tokenizer.json goes in the temporary folder.</summary>
    private string BlockTokenizerJson(string output)
    {
        string temporary = Path.Combine(_parent, $".{Path.GetFileName(output)}.tmp-{Environment.ProcessId}");
        Directory.CreateDirectory(Path.Combine(temporary, WordPieceTokenizer.TokenizerJsonFileName));
        return temporary;
    }

    [Fact]
    public void A_new_folder_gets_both_files_and_loads_back()
    {
        string output = Path.Combine(_parent, "out");
        Tokenizer("c").SaveFolder(output);
        Assert.True(File.Exists(Path.Combine(output, "vocab.txt")));
        Assert.True(File.Exists(Path.Combine(output, "tokenizer.json")));
        Assert.Equal(8, WordPieceTokenizer.Load(output).Vocabulary.Count);
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
    }

    [Fact]
    public void An_existing_folder_has_both_files_replaced_and_keeps_its_others()
    {
        string output = Path.Combine(_parent, "out");
        Tokenizer().SaveFolder(output);
        File.WriteAllText(Path.Combine(output, "config.json"), "{}");
        Tokenizer("c", "d").SaveFolder(output);
        Assert.Equal(9, WordPieceTokenizer.Load(output).Vocabulary.Count);
        Assert.Equal(9, WordPieceVocabulary.Load(Path.Combine(output, "vocab.txt")).Count);
        Assert.True(File.Exists(Path.Combine(output, "config.json")));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_second_write_leaves_no_new_folder()
    {
        string output = Path.Combine(_parent, "out");
        string temporary = BlockTokenizerJson(output);
        Assert.ThrowsAny<IOException>(() => Tokenizer().SaveFolder(output));
        Assert.False(Directory.Exists(output), "a vocab.txt without tokenizer.json was left behind");
        Assert.False(Directory.Exists(temporary));
    }

    [Fact]
    public void A_failed_second_write_leaves_an_existing_set_untouched()
    {
        string output = Path.Combine(_parent, "out");
        Tokenizer().SaveFolder(output);
        string vocabBefore = File.ReadAllText(Path.Combine(output, "vocab.txt"));
        string jsonBefore = File.ReadAllText(Path.Combine(output, "tokenizer.json"));
        BlockTokenizerJson(output);
        Assert.ThrowsAny<IOException>(() => Tokenizer("c", "d").SaveFolder(output));
        Assert.Equal(vocabBefore, File.ReadAllText(Path.Combine(output, "vocab.txt")));
        Assert.Equal(jsonBefore, File.ReadAllText(Path.Combine(output, "tokenizer.json")));
    }
}

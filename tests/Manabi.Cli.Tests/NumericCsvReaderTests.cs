using Manabi.Cli.Data;

namespace Manabi.Cli.Tests;

public sealed class NumericCsvReaderTests
{
    [Fact]
    public void ReadsHeaderCommentsBlankLinesAndWindowsLineEndings()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.csv", "# comment\r\n\"a\", b\r\n\r\n1, 2.5\r\n-3e2,4\r\n");
        var table = NumericCsvReader.Read(path, hasHeader: true);
        Assert.Equal(["a", "b"], table.Header);
        Assert.Equal([4, 5], table.LineNumbers);
        Assert.Equal(new double[,] { { 1, 2.5 }, { -300, 4 } }, table.ToMatrix());
    }

    [Fact]
    public void RaggedRowsAreAllowedOnlyWhenAsked()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.csv", "1,2\n3\n");
        Assert.Equal(2, NumericCsvReader.Read(path, allowRaggedRows: true).Rows.Count);
        var error = Assert.Throws<InputException>(() => NumericCsvReader.Read(path));
        Assert.StartsWith($"{path}:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderOnlyFileIsEmpty()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.csv", "a,b\n");
        var error = Assert.Throws<InputException>(() => NumericCsvReader.Read(path, hasHeader: true));
        Assert.StartsWith($"{path}:1:", error.Message, StringComparison.Ordinal);
    }
}

using System.Runtime.ExceptionServices;
using Manabi.Cli.Data;
using Manabi.TestSupport;

namespace Manabi.Cli.Tests;

/// <summary>Replays the fuzzing corpus (tests/fixtures/fuzz/csv and jsonl: seeds and every crash tools/fuzz found).</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void CsvCorpusReadsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("csv", ".csv", path =>
        {
            InputException? strict = null;
            try
            {
                NumericCsvReader.Read(path);
            }
            catch (InputException ex)
            {
                strict = ex;
            }
            NumericCsvReader.Read(path, hasHeader: true, allowRaggedRows: true, requireNonNegative: true);
            if (strict is not null)
            {
                ExceptionDispatchInfo.Throw(strict);
            }
        }, typeof(InputException)));

    [Fact]
    public void JsonLinesCorpusReadsOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("jsonl", ".jsonl", path =>
        {
            foreach (var chunk in TextRecordReader.ReadChunks(path, 4))
            {
                Assert.NotNull(chunk);
            }
        }, typeof(InputException), typeof(Manabi.Text.TokenizerFormatException)));

    [Fact]
    public void JsonLinesKeyWithALoneSurrogateIsBadInput()
    {
        // Found by fuzzing: the duplicate-key check unescaped "text\ud800_pair" and threw InvalidOperationException.
        string path = Fixtures.Path("fuzz", "jsonl", "crash-lone-surrogate-key.jsonl");
        var ex = Assert.Throws<InputException>(() => TextRecordReader.ReadChunks(path, 4).ToList());
        Assert.StartsWith($"{path}:1: a key is not valid text:", ex.Message, StringComparison.Ordinal);
    }
}

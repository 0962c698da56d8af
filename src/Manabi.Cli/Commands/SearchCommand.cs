using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Manabi.Cli.Data;
using Manabi.Numerics;
using Manabi.SentenceTransformers;
using Manabi.VectorData;
using Manabi.Vectors.Search;
using Microsoft.Extensions.VectorData;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi search</c>: semantic search of a corpus through an on-disk index built once and reused.</summary>
public static class SearchCommand
{
    /// <summary>Builds the <c>search</c> command.</summary>
    public static Command Create()
    {
        var corpusOption = new Option<string>("--corpus") { Description = "The corpus: a .txt file, one entry per non-empty line.", Required = true };
        var queryOption = new Option<string>("--query") { Description = "The text to search for.", Required = true };
        var topOption = new Option<int>("--top") { Description = "How many hits to print.", DefaultValueFactory = _ => 10 };
        var indexOption = new Option<string?>("--index")
        {
            Description = "The index folder: reused when it was built from this corpus and model, (re)built otherwise. " +
                "Default: a folder under $MANABI_CACHE/indexes named after the corpus and model fingerprint.",
        };
        var storeOption = new Option<string?>("--store")
        {
            Description = "Keep the corpus in a durable vector store directory (Manabi.VectorData, SQLite) instead of an index " +
                "folder: a collection named after the corpus and model fingerprint, built once and reused; see `manabi store`.",
        };
        var modelOption = new Option<string?>("--model") { Description = SentenceModels.ModelHelp };
        var command = new Command("search",
            "Finds the corpus lines closest in meaning to a query. Prints one hit per line: score<TAB>line number<TAB>text, best first.")
        {
            corpusOption, queryOption, topOption, indexOption, storeOption, modelOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            string corpusPath = parseResult.GetValue(corpusOption)!;
            int top = parseResult.GetValue(topOption);
            if (top <= 0)
            {
                throw new InputException($"--top {top}: must be positive.");
            }
            if (!File.Exists(corpusPath))
            {
                throw new InputException($"{corpusPath}: the corpus file does not exist.");
            }
            // The strict reader, as tokenize uses: invalid UTF-8 used to be indexed as U+FFFD without a word.
            var entries = TextLines.Read(corpusPath).Where(e => !string.IsNullOrWhiteSpace(e.Line))
                .Select(e => (Text: e.Line, Line: e.Number)).ToList();
            if (entries.Count == 0)
            {
                throw new InputException($"{corpusPath}: the corpus has no non-empty lines.");
            }
            string? modelFolder = parseResult.GetValue(modelOption);
            string fingerprint = Fingerprint(corpusPath, SentenceModels.Describe(modelFolder));
            if (parseResult.GetValue(storeOption) is { } storeDir)
            {
                if (parseResult.GetValue(indexOption) is not null)
                {
                    throw new InputException("--store and --index: give one of them.");
                }
                using var encoder = SentenceModels.Load(modelFolder);
                var hits = SearchStore(storeDir, fingerprint, entries, encoder, parseResult.GetValue(queryOption)!, top, parseResult.InvocationConfiguration.Error);
                foreach (var (score, line, text) in hits)
                {
                    output.WriteLine($"{score.ToString("F4", CultureInfo.InvariantCulture)}\t{line.ToString(CultureInfo.InvariantCulture)}\t{text}");
                }
                return ExitCodes.Success;
            }
            string indexFolder = parseResult.GetValue(indexOption)
                ?? Path.Combine(ManabiCache.Indexes, fingerprint[..16]);
            using var model = SentenceModels.Load(modelFolder);
            var error = parseResult.InvocationConfiguration.Error;
            using var index = OpenOrBuildIndex(indexFolder, fingerprint, entries, model, error);
            float[] query = model.Encode([parseResult.GetValue(queryOption)!]).Vectors[0];
            foreach (var hit in index.Search(query, top))
            {
                output.WriteLine($"{hit.Score.ToString("F4", CultureInfo.InvariantCulture)}\t{index.Text(hit.CorpusId)}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// The index in <paramref name="folder"/> when it was built from this corpus and model and is intact; otherwise a
    /// freshly built one. A damaged index is rebuilt rather than reported, because it is only a cache of the corpus.
    /// </summary>
    private static EmbeddingIndex OpenOrBuild(string folder, string fingerprint, List<(string Text, int Line)> entries, SentenceEncoder model, TextWriter error)
    {
        if (EmbeddingIndex.ReadFingerprint(folder) == fingerprint)
        {
            try
            {
                // Checksums too: one pass over the file costs far less than loading the model did, and a flipped byte
                // would otherwise give wrong hits without a word.
                var reused = EmbeddingIndex.Open(folder, verifyChecksums: true);
                error.WriteLine($"Reusing the index in {folder}.");
                return reused;
            }
            catch (InvalidDataException e)
            {
                error.WriteLine($"The index in {folder} is damaged ({e.Message}); rebuilding it.");
            }
        }
        // An index that cannot be written is refused before the corpus is embedded, not after.
        Check.OutputFolder(folder, "--index");
        var vectors = model.Encode(entries.Select(e => e.Text).ToList(), progress: new EmbeddingProgressLines(error, entries.Count)).Vectors;
        // The stored text keeps its line number so that hits can point back into the corpus.
        EmbeddingIndex.Build(folder, entries.Select(e => e.Line.ToString(CultureInfo.InvariantCulture) + "\t" + e.Text).ToList(), vectors, fingerprint);
        error.WriteLine($"Built the index of {entries.Count} entries in {folder}.");
        return EmbeddingIndex.Open(folder);
    }

    private static EmbeddingIndex OpenOrBuildIndex(string folder, string fingerprint, List<(string Text, int Line)> entries, SentenceEncoder model, TextWriter error)
    {
        try
        {
            return OpenOrBuild(folder, fingerprint, entries, model, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The corpus and the model were read before this, so a file error here is the index folder's.
            throw new InputException($"--index: {folder}: cannot write the index: {e.Message}", e);
        }
    }

    /// <summary>
    /// Searches the corpus kept in a vector store: one collection per corpus and model (named after the fingerprint),
    /// built in batches through the model as the store's generator and reused while it holds every entry.
    /// </summary>
    private static List<(double Score, int Line, string Text)> SearchStore(string dir, string fingerprint, List<(string Text, int Line)> entries,
        SentenceEncoder model, string query, int top, TextWriter error) => StoreCommand.Run(dir, () =>
    {
        using var store = new ManabiVectorStore(dir, new ManabiVectorStoreOptions { EmbeddingGenerator = model });
        string name = "corpus-" + fingerprint[..16];
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Line", typeof(int)),
                new VectorStoreDataProperty("Text", typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreVectorProperty("Embedding", typeof(string), model.Dimension),
            ],
        };
        using var collection = store.GetDynamicCollection(name, definition);
        var existing = store.GetCollectionInfoAsync().GetAwaiter().GetResult().FirstOrDefault(i => i.Name == name);
        if (existing is not null && existing.Count == entries.Count)
        {
            error.WriteLine($"Reusing the collection {name} in {dir}.");
        }
        else
        {
            // A build cut short leaves fewer records than entries; it is started over.
            collection.EnsureCollectionDeletedAsync().GetAwaiter().GetResult();
            collection.EnsureCollectionExistsAsync().GetAwaiter().GetResult();
            var progress = new EmbeddingProgressLines(error, entries.Count);
            int stored = 0;
            foreach (var chunk in entries.Chunk(256))
            {
                collection.UpsertAsync(chunk.Select(e => new Dictionary<string, object?> { ["Line"] = e.Line, ["Text"] = e.Text, ["Embedding"] = e.Text }))
                    .GetAwaiter().GetResult();
                progress.Report(stored += chunk.Length);
            }
            error.WriteLine($"Built the collection {name} of {entries.Count} entries in {dir}.");
        }
        return collection.SearchAsync(query, top).ToBlockingEnumerable()
            .Select(r => (r.Score ?? 0, (int)r.Record["Line"]!, (string)r.Record["Text"]!)).ToList();
    });

    private static string Fingerprint(string corpusPath, string model)
    {
        using (var stream = File.OpenRead(corpusPath))
        {
            byte[] corpusHash = SHA256.HashData(stream);
            byte[] modelBytes = Encoding.UTF8.GetBytes("\n" + model);
            return Convert.ToHexStringLower(SHA256.HashData([.. corpusHash, .. modelBytes]));
        }
    }
}

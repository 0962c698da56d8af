using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace Manabi.VectorData;

// Vector and hybrid search over the in-memory index, with filters and paging.
public partial class ManabiCollection<TKey, TRecord>
{
    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(options);
        var query = await QueryVectorAsync(property, searchValue, cancellationToken).ConfigureAwait(false);
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        var candidates = options.Filter is { } filter ? FilteredIds(index, filter, "Search") : null;
        List<(long Id, double Score)> hits;
        index.Gate.EnterReadLock();
        try
        {
            hits = index.Vectors[property.ModelName].Search(query.Span, top + options.Skip, candidates, options.ScoreThreshold, _hnswEfSearch);
        }
        finally
        {
            index.Gate.ExitReadLock();
        }
        var page = hits.Skip(options.Skip).ToList();
        if (page.Count == 0)
        {
            yield break;
        }
        foreach (var result in PageResults(page, includeVectors, "Search", cancellationToken))
        {
            yield return result;
        }
    }

    private static async ValueTask<ReadOnlyMemory<float>> QueryVectorAsync<TInput>(VectorPropertyModel property, TInput searchValue, CancellationToken cancellationToken)
    {
        switch (searchValue)
        {
            case ReadOnlyMemory<float> memory: return memory;
            case float[] array: return array;
            case Embedding<float> embedding: return embedding.Vector;
        }
        if (property.EmbeddingGenerator is null)
        {
            throw new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(typeof(TInput), ValueCodec.SupportedVectorTypes));
        }
        var generated = await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false);
        return generated is Embedding<float> floats
            ? floats.Vector
            : throw new NotSupportedException($"the embedding generator of vector property '{property.ModelName}' returned {generated.GetType().Name}; the store needs Embedding<float>");
    }

    /// <summary>
    /// Hybrid search: the vector ranking of <paramref name="searchValue"/> and the SQLite FTS5 (BM25) ranking of
    /// <paramref name="keywords"/> over a full-text indexed string property, fused by reciprocal rank
    /// (score = Σ 1 / (60 + rank) over the two lists; higher is better).
    /// </summary>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top,
        HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var vectorProperty = _model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        var textProperty = _model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        var query = await QueryVectorAsync(vectorProperty, searchValue, cancellationToken).ConfigureAwait(false);
        // Each list is deeper than the page so that fusion can promote a record ranked lower in one of them.
        var depth = Math.Max(50, 4 * (top + options.Skip));
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        var candidates = options.Filter is { } filter ? FilteredIds(index, filter, "HybridSearch") : null;
        List<(long Id, double Score)> vectorHits;
        index.Gate.EnterReadLock();
        try
        {
            vectorHits = index.Vectors[vectorProperty.ModelName].Search(query.Span, depth, candidates, null, _hnswEfSearch);
        }
        finally
        {
            index.Gate.ExitReadLock();
        }
        var terms = keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => "\"" + k.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"").ToList();
        var keywordHits = terms.Count == 0 ? [] : Run("HybridSearch", () =>
        {
            using var connection = _db.OpenConnection();
            // Column filter: only the chosen property's text; any keyword matches (OR), BM25 orders.
            using var command = Command(connection,
                $"SELECT rowid FROM {_fullTextTable} WHERE {_fullTextTable} MATCH @q ORDER BY bm25({_fullTextTable}) LIMIT @limit");
            command.Parameters.AddWithValue("@q", "{" + textProperty.StorageName + "} : (" + string.Join(" OR ", terms) + ")");
            command.Parameters.AddWithValue("@limit", candidates is null ? depth : -1);
            var ids = new List<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read() && ids.Count < depth)
            {
                var id = reader.GetInt64(0);
                if (candidates is null || candidates.Contains(id))
                {
                    ids.Add(id);
                }
            }
            return ids;
        });
        var fused = new Dictionary<long, double>();
        for (int i = 0; i < vectorHits.Count; i++)
        {
            fused[vectorHits[i].Id] = 1.0 / (60 + i + 1);
        }
        for (int i = 0; i < keywordHits.Count; i++)
        {
            fused[keywordHits[i]] = fused.GetValueOrDefault(keywordHits[i]) + 1.0 / (60 + i + 1);
        }
        var page = fused.Where(f => options.ScoreThreshold is not { } t || f.Value >= t)
            .OrderByDescending(f => f.Value).ThenBy(f => f.Key)
            .Skip(options.Skip).Take(top).Select(f => (Id: f.Key, Score: f.Value)).ToList();
        if (page.Count == 0)
        {
            yield break;
        }
        foreach (var result in PageResults(page, includeVectors, "HybridSearch", cancellationToken))
        {
            yield return result;
        }
    }

    /// <summary>
    /// Reads a page of scored row ids' records in one query and pairs them with their scores, in page order; a record
    /// deleted between the scan and the read is left out.
    /// </summary>
    private List<VectorSearchResult<TRecord>> PageResults(List<(long Id, double Score)> page, bool includeVectors, string operation,
        CancellationToken cancellationToken)
    {
        var records = Run(operation, () =>
        {
            var names = page.Select((_, i) => "@i" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            return Query($"WHERE _id IN ({string.Join(", ", names)})", includeVectors,
                command => { for (int i = 0; i < page.Count; i++) command.Parameters.AddWithValue(names[i], page[i].Id); },
                cancellationToken).ToDictionary(r => r.Id, r => r.Record);
        });
        var results = new List<VectorSearchResult<TRecord>>(page.Count);
        foreach (var (id, score) in page)
        {
            if (records.TryGetValue(id, out var record))
            {
                results.Add(new VectorSearchResult<TRecord>(record, score));
            }
        }
        return results;
    }

    /// <summary>The row ids a filter keeps, selected in SQLite (indexed properties use their indexes).</summary>
    /// <remarks>
    /// The answer is kept (a few filters per collection) until the next committed change, so an app that searches
    /// many times under the same filter (a tenant, a category) asks SQLite once per change, not once per search.
    /// </remarks>
    private HashSet<long> FilteredIds(CollectionIndex index, LambdaExpression filter, string operation)
    {
        var parameters = new List<object>();
        var where = SqlFilterTranslator.Translate(filter, _model, parameters, ColumnOf);
        return index.FilterResults.GetOrAdd(where, parameters, () => Run(operation, () =>
        {
            using var connection = _db.OpenConnection();
            using var command = Command(connection, $"SELECT _id FROM {_table} WHERE {where}");
            AddParameters(command, parameters);
            var ids = new HashSet<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }));
    }
}

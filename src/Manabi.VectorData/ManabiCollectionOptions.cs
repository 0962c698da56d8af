using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

/// <summary>
/// Options of a <see cref="ManabiCollection{TKey, TRecord}"/>: the record definition, the embedding generator and the
/// HNSW search breadth.
/// </summary>
public sealed class ManabiCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Default options: the record type's attributes describe it, no generator, <see cref="HnswEfSearch"/> 128.</summary>
    public ManabiCollectionOptions()
    {
    }

    /// <summary>A copy of <paramref name="source"/>.</summary>
    public ManabiCollectionOptions(ManabiCollectionOptions source) : base(source)
    {
        ArgumentNullException.ThrowIfNull(source);
        HnswEfSearch = source.HnswEfSearch;
    }

    /// <summary>
    /// How many candidates an HNSW search keeps while it walks the graph (hnswlib's and FAISS's <c>ef</c>/<c>efSearch</c>,
    /// Qdrant's <c>hnsw_ef</c>, pgvector's <c>hnsw.ef_search</c>); at least the requested top. Higher finds more of
    /// the true nearest neighbours and costs time roughly in proportion; docs/BENCHMARKS.md has the measured curve.
    /// Search-time only: changing it needs no rebuild. Default 128.
    /// </summary>
    public int HnswEfSearch
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(HnswEfSearch));
            field = value;
        }
    } = ManabiVectorStoreOptions.DefaultHnswEfSearch;
}

/// <summary>Options of a <see cref="ManabiVectorStore"/>.</summary>
public sealed class ManabiVectorStoreOptions
{
    /// <summary>
    /// The generator that embeds string (or other non-vector) vector properties on upsert and search values on
    /// search, for collections that do not set one themselves (property, then collection, then store level).
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>The default of <see cref="HnswEfSearch"/>.</summary>
    public const int DefaultHnswEfSearch = 128;

    /// <summary>
    /// <see cref="ManabiCollectionOptions.HnswEfSearch"/> for the collections this store hands out
    /// (<see cref="ManabiVectorStore.GetCollection{TKey, TRecord}"/>, <see cref="ManabiVectorStore.GetDynamicCollection"/>).
    /// Default 128.
    /// </summary>
    public int HnswEfSearch
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(HnswEfSearch));
            field = value;
        }
    } = DefaultHnswEfSearch;
}

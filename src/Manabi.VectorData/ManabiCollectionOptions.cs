using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

/// <summary>Options of a <see cref="ManabiCollection{TKey, TRecord}"/>: the record definition and the embedding generator.</summary>
public sealed class ManabiCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Default options: the record type's attributes describe it, no generator.</summary>
    public ManabiCollectionOptions()
    {
    }

    /// <summary>A copy of <paramref name="source"/>.</summary>
    public ManabiCollectionOptions(ManabiCollectionOptions source) : base(source)
    {
    }
}

/// <summary>Options of a <see cref="ManabiVectorStore"/>.</summary>
public sealed class ManabiVectorStoreOptions
{
    /// <summary>
    /// The generator that embeds string (or other non-vector) vector properties on upsert and search values on
    /// search, for collections that do not set one themselves (property, then collection, then store level).
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }
}

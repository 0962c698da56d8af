using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

/// <summary>
/// A collection whose records are <c>Dictionary&lt;string, object?&gt;</c> described by a
/// <see cref="VectorStoreCollectionDefinition"/> (no CLR record type); keys are the definition's key type.
/// </summary>
public sealed class ManabiDynamicCollection : ManabiCollection<object, Dictionary<string, object?>>
{
    /// <summary>Opens collection <paramref name="name"/> of the store in <paramref name="directory"/>.</summary>
    /// <exception cref="ArgumentException">The options carry no definition.</exception>
    public ManabiDynamicCollection(string directory, string name, ManabiCollectionOptions options)
        : base(directory, name, options)
    {
    }

    internal ManabiDynamicCollection(ManabiDatabase db, string name, VectorStoreCollectionOptions options, IEmbeddingGenerator? storeGenerator)
        : base(db, name, options, storeGenerator)
    {
    }
}

using Manabi.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the Manabi vector store and its collections the way MEVD connectors do: the store as
/// <see cref="VectorStore"/>, a collection as <see cref="VectorStoreCollection{TKey, TRecord}"/> and
/// <see cref="IVectorSearchable{TRecord}"/> and <see cref="IKeywordHybridSearchable{TRecord}"/>. When the options carry no embedding generator, an
/// <see cref="IEmbeddingGenerator"/> registered in the container is used, resolved when the store or collection is.
/// </summary>
public static class ManabiServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="ManabiVectorStore"/> over <paramref name="directory"/>.</summary>
    public static IServiceCollection AddManabiVectorStore(this IServiceCollection services, string directory,
        ManabiVectorStoreOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton) =>
        AddKeyedManabiVectorStore(services, null, directory, options, lifetime);

    /// <summary>Registers a <see cref="ManabiVectorStore"/> over <paramref name="directory"/> under <paramref name="serviceKey"/>.</summary>
    public static IServiceCollection AddKeyedManabiVectorStore(this IServiceCollection services, object? serviceKey, string directory,
        ManabiVectorStoreOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        services.Add(new ServiceDescriptor(typeof(ManabiVectorStore), serviceKey, (sp, _) => new ManabiVectorStore(directory, new ManabiVectorStoreOptions
        {
            EmbeddingGenerator = options?.EmbeddingGenerator ?? sp.GetService<IEmbeddingGenerator>(),
        }), lifetime));
        services.Add(new ServiceDescriptor(typeof(VectorStore), serviceKey,
            (sp, key) => sp.GetRequiredKeyedService<ManabiVectorStore>(key), lifetime));
        return services;
    }

    /// <summary>Registers collection <paramref name="name"/> of the store in <paramref name="directory"/>.</summary>
    public static IServiceCollection AddManabiCollection<TKey, TRecord>(this IServiceCollection services, string name, string directory,
        ManabiCollectionOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class =>
        AddKeyedManabiCollection<TKey, TRecord>(services, null, name, directory, options, lifetime);

    /// <summary>Registers collection <paramref name="name"/> of the store in <paramref name="directory"/> under <paramref name="serviceKey"/>.</summary>
    public static IServiceCollection AddKeyedManabiCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string name,
        string directory, ManabiCollectionOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        services.Add(new ServiceDescriptor(typeof(ManabiCollection<TKey, TRecord>), serviceKey, (sp, _) =>
        {
            var resolved = options is null ? new ManabiCollectionOptions() : new ManabiCollectionOptions(options);
            resolved.EmbeddingGenerator ??= sp.GetService<IEmbeddingGenerator>();
            return new ManabiCollection<TKey, TRecord>(directory, name, resolved);
        }, lifetime));
        services.Add(new ServiceDescriptor(typeof(VectorStoreCollection<TKey, TRecord>), serviceKey,
            (sp, key) => sp.GetRequiredKeyedService<ManabiCollection<TKey, TRecord>>(key), lifetime));
        services.Add(new ServiceDescriptor(typeof(IVectorSearchable<TRecord>), serviceKey,
            (sp, key) => sp.GetRequiredKeyedService<ManabiCollection<TKey, TRecord>>(key), lifetime));
        services.Add(new ServiceDescriptor(typeof(IKeywordHybridSearchable<TRecord>), serviceKey,
            (sp, key) => sp.GetRequiredKeyedService<ManabiCollection<TKey, TRecord>>(key), lifetime));
        return services;
    }
}

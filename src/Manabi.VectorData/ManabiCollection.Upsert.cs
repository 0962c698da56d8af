using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace Manabi.VectorData;

// Upserts: records checked and embedded, then written in one transaction per batch that also logs the changed rows.
public partial class ManabiCollection<TKey, TRecord>
{
    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records.ToList();
        if (batch.Count == 0)
        {
            return;
        }
        var vectors = new float[]?[batch.Count][];
        for (int r = 0; r < batch.Count; r++)
        {
            ArgumentNullException.ThrowIfNull(batch[r], nameof(records));
            vectors[r] = new float[]?[_model.VectorProperties.Count];
        }
        for (int v = 0; v < _model.VectorProperties.Count; v++)
        {
            var property = _model.VectorProperties[v];
            if (!ValueCodec.IsNativeVectorType(property.Type))
            {
                // One generator call for the whole batch (per property): generators batch far better than one by one.
                if (property.EmbeddingGenerator is null)
                {
                    throw new InvalidOperationException(VectorDataStrings.UnsupportedVectorPropertyWithoutEmbeddingGenerator(property));
                }
                var embeddings = await property.GenerateEmbeddingsAsync(batch.Select(property.GetValueAsObject), cancellationToken).ConfigureAwait(false);
                if (embeddings.Count != batch.Count)
                {
                    throw new InvalidOperationException($"the embedding generator returned {embeddings.Count} embeddings for {batch.Count} records");
                }
                for (int r = 0; r < batch.Count; r++)
                {
                    vectors[r][v] = CheckDimensions(property, ((Embedding<float>)embeddings[r]).Vector.ToArray(), r);
                }
            }
            else
            {
                for (int r = 0; r < batch.Count; r++)
                {
                    vectors[r][v] = ValueCodec.VectorOf(property.GetValueAsObject(batch[r])) is { } memory
                        ? CheckDimensions(property, memory.ToArray(), r) : null;
                }
            }
        }
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (ids, sequence) = Run("Upsert", () => WriteBatch(batch, vectors, cancellationToken));
            Apply(index, ids.Select((id, r) => (id, (float[]?[]?)vectors[r])), sequence);
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    private static float[] CheckDimensions(VectorPropertyModel property, float[] vector, int record)
    {
        if (vector.Length != property.Dimensions)
        {
            throw new ArgumentException(
                $"record {record} of the batch: vector property '{property.ModelName}' has {vector.Length} dimensions, but the collection declares {property.Dimensions}");
        }
        return vector;
    }

    private (long[] Ids, long Sequence) WriteBatch(List<TRecord> batch, float[]?[][] vectors, CancellationToken cancellationToken)
    {
        using var connection = _db.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var key = _model.KeyProperty;
        var columns = new List<string> { "_key" };
        foreach (var data in _model.DataProperties)
        {
            columns.Add(Quote(data.StorageName));
            if (ValueCodec.HasCompanion(data.Type))
            {
                columns.Add(Quote(data.StorageName + ValueCodec.CompanionSuffix));
            }
        }
        columns.AddRange(_model.VectorProperties.Select(v => Quote(v.StorageName)));
        var names = columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var updates = columns.Skip(1).Select(c => $"{c} = excluded.{c}").ToList();
        var sql = $"INSERT INTO {_table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", names)}) " +
            $"ON CONFLICT(_key) DO {(updates.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates))} RETURNING _id";
        if (updates.Count == 0)
        {
            sql = $"INSERT INTO {_table} (_key) VALUES (@p0) ON CONFLICT(_key) DO UPDATE SET _key = excluded._key RETURNING _id";
        }
        using var command = Command(connection, sql, transaction);
        var parameters = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        command.Prepare();
        var ids = new long[batch.Count];
        for (int r = 0; r < batch.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = batch[r];
            var keyValue = key.GetValueAsObject(record);
            if (key.IsAutoGenerated && IsDefaultKey(keyValue))
            {
                keyValue = GenerateKey();
                key.SetValueAsObject(record, keyValue);
            }
            if (keyValue is null)
            {
                throw new ArgumentException($"record {r} of the batch has a null key ('{key.ModelName}')");
            }
            int p = 0;
            Set(parameters[p++], KeyToDb(keyValue));
            foreach (var data in _model.DataProperties)
            {
                var value = data.GetValueAsObject(record);
                Set(parameters[p++], ValueCodec.ToDb(value, data.Type));
                if (ValueCodec.HasCompanion(data.Type))
                {
                    Set(parameters[p++], ValueCodec.CompanionToDb(value));
                }
            }
            for (int v = 0; v < _model.VectorProperties.Count; v++)
            {
                Set(parameters[p++], vectors[r][v] is { } vector ? ValueCodec.VectorToBlob(vector) : DBNull.Value);
            }
            ids[r] = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        if (_fullText.Length > 0)
        {
            using var remove = Command(connection, $"DELETE FROM {_fullTextTable} WHERE rowid = @id", transaction);
            var removeId = remove.Parameters.Add("@id", SqliteType.Integer);
            var textNames = _fullText.Select((_, i) => "@t" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            using var insert = Command(connection,
                $"INSERT INTO {_fullTextTable} (rowid, {string.Join(", ", _fullText.Select(t => Quote(t.StorageName)))}) VALUES (@id, {string.Join(", ", textNames)})", transaction);
            var insertId = insert.Parameters.Add("@id", SqliteType.Integer);
            var texts = textNames.Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
            for (int r = 0; r < batch.Count; r++)
            {
                removeId.Value = ids[r];
                remove.ExecuteNonQuery();
                insertId.Value = ids[r];
                for (int t = 0; t < _fullText.Length; t++)
                {
                    texts[t].Value = (object?)(_fullText[t].GetValueAsObject(batch[r]) as string) ?? DBNull.Value;
                }
                insert.ExecuteNonQuery();
            }
        }
        var sequence = LogChanges(connection, transaction, ids);
        transaction.Commit();
        return (ids, sequence);
    }

    private static void Set(SqliteParameter parameter, object value)
    {
        parameter.SqliteType = value switch
        {
            long => SqliteType.Integer,
            double => SqliteType.Real,
            byte[] => SqliteType.Blob,
            _ => SqliteType.Text,
        };
        parameter.Value = value;
    }

    private static bool IsDefaultKey(object? key) => key is null || (key is Guid g && g == Guid.Empty);

    private static object GenerateKey() => Guid.NewGuid();
}

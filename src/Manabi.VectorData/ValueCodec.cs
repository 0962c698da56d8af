using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Manabi.VectorData;

/// <summary>How CLR values become SQLite values and back, so that every supported type round-trips exactly.</summary>
internal static class ValueCodec
{
    // Scalars SQLite stores natively (INTEGER/REAL/TEXT) or through a lossless encoding.
    private static readonly HashSet<Type> Scalars =
    [
        typeof(bool), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long),
        typeof(float), typeof(double), typeof(string), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset),
        typeof(DateOnly), typeof(TimeOnly),
    ];

    // Element types allowed in array and list properties (kept as a JSON array, searchable with json_each).
    private static readonly HashSet<Type> Elements =
        [typeof(string), typeof(int), typeof(long), typeof(double), typeof(float), typeof(bool), typeof(Guid)];

    public const string SupportedDataTypes =
        "bool, byte, sbyte, short, ushort, int, uint, long, float, double, string, Guid, DateTime, DateTimeOffset, " +
        "DateOnly, TimeOnly (nullable or not), and arrays or List<T> of string, int, long, float, double, bool, Guid";

    public const string SupportedVectorTypes = "ReadOnlyMemory<float>, float[], Embedding<float>";

    public static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    public static bool IsScalar(Type type) => Scalars.Contains(Underlying(type));

    /// <summary>The element type of an array or List&lt;T&gt; property, or null when the type is not a collection.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return type.GetGenericArguments()[0];
        }
        return null;
    }

    public static bool IsDataTypeSupported(Type type) =>
        IsScalar(type) || (ElementType(type) is { } e && Elements.Contains(e));

    public static bool IsNativeVectorType(Type type)
    {
        type = Underlying(type);
        return type == typeof(ReadOnlyMemory<float>) || type == typeof(float[]) || type == typeof(Embedding<float>);
    }

    public static string SqlType(Type type) => Underlying(type) switch
    {
        var t when t == typeof(float) || t == typeof(double) => "REAL",
        var t when t == typeof(string) || t == typeof(Guid) => "TEXT",
        var t when IsScalar(t) => "INTEGER",
        _ => "TEXT", // JSON arrays
    };

    /// <summary>A value as stored in its column (DateTimeOffset: UTC ticks; its offset goes in a second column).</summary>
    public static object ToDb(object? value, Type type)
    {
        if (value is null)
        {
            return DBNull.Value;
        }
        return value switch
        {
            bool b => b ? 1L : 0L,
            byte or sbyte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            float f => (double)f,
            double d => d,
            string s => s,
            Guid g => g.ToString("D"),
            // Ticks alone (Kind goes in the companion column), so the column orders and compares like DateTime does.
            DateTime dt => dt.Ticks,
            DateTimeOffset dto => dto.UtcTicks,
            DateOnly d => (long)d.DayNumber,
            TimeOnly t => t.Ticks,
            _ when ElementType(type) is not null => JsonSerializer.Serialize(value, type),
            _ => throw new NotSupportedException($"values of type {value.GetType().Name} cannot be stored; supported: {SupportedDataTypes}"),
        };
    }

    /// <summary>A filter constant in the form of its column.</summary>
    public static object ToComparable(object? value)
    {
        return value is null ? DBNull.Value : ToDb(value, value.GetType());
    }

    /// <summary>
    /// DateTime and DateTimeOffset keep a second column ("name__extra"): the Kind, or the offset in minutes. The main
    /// column holds ticks (UTC ticks for DateTimeOffset), which is what their equality and ordering look at.
    /// </summary>
    public static bool HasCompanion(Type type) => Underlying(type) == typeof(DateTime) || Underlying(type) == typeof(DateTimeOffset);

    public const string CompanionSuffix = "__extra";

    public static object CompanionToDb(object? value) => value switch
    {
        DateTime dt => (long)dt.Kind,
        DateTimeOffset dto => (long)dto.Offset.TotalMinutes,
        _ => DBNull.Value,
    };

    public static object? FromDb(SqliteValue value, Type type)
    {
        if (value.IsNull)
        {
            return null;
        }
        var t = Underlying(type);
        if (t == typeof(bool)) return value.Int64 != 0;
        if (t == typeof(byte)) return (byte)value.Int64;
        if (t == typeof(sbyte)) return (sbyte)value.Int64;
        if (t == typeof(short)) return (short)value.Int64;
        if (t == typeof(ushort)) return (ushort)value.Int64;
        if (t == typeof(int)) return (int)value.Int64;
        if (t == typeof(uint)) return (uint)value.Int64;
        if (t == typeof(long)) return value.Int64;
        if (t == typeof(float)) return (float)value.Double;
        if (t == typeof(double)) return value.Double;
        if (t == typeof(string)) return value.Text;
        if (t == typeof(Guid)) return Guid.Parse(value.Text);
        if (t == typeof(DateTime)) return new DateTime(value.Int64, (DateTimeKind)value.Offset);
        if (t == typeof(DateTimeOffset)) return new DateTimeOffset(value.Int64, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(value.Offset));
        if (t == typeof(DateOnly)) return DateOnly.FromDayNumber((int)value.Int64);
        if (t == typeof(TimeOnly)) return new TimeOnly(value.Int64);
        return JsonSerializer.Deserialize(value.Text, type);
    }

    public static byte[] VectorToBlob(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static float[] BlobToVector(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();

    /// <summary>A stored vector (or null) in the shape of the property's type.</summary>
    public static object? VectorAs(float[]? vector, Type type)
    {
        if (vector is null)
        {
            return null;
        }
        var t = Underlying(type);
        if (t == typeof(float[])) return vector;
        if (t == typeof(ReadOnlyMemory<float>)) return new ReadOnlyMemory<float>(vector);
        if (t == typeof(Embedding<float>)) return new Embedding<float>(vector);
        throw new NotSupportedException($"vector properties of type {type.Name} are not supported; supported: {SupportedVectorTypes}");
    }

    /// <summary>A vector property's value as floats (null when absent).</summary>
    public static ReadOnlyMemory<float>? VectorOf(object? value) =>
        // An unset ReadOnlyMemory<float> (or a null array seen through one) is no vector, not a 0-wide one.
        Floats(value) is { IsEmpty: false } vector ? vector : (ReadOnlyMemory<float>?)null;

    // The nulls are typed: a bare null would convert to an empty ReadOnlyMemory through its implicit array operator.
    private static ReadOnlyMemory<float>? Floats(object? value) => value switch
    {
        null => (ReadOnlyMemory<float>?)null,
        ReadOnlyMemory<float> m => m,
        float[] a => a,
        Embedding<float> e => e.Vector,
        _ => throw new NotSupportedException($"vector values of type {value.GetType().Name} are not supported; supported: {SupportedVectorTypes}"),
    };
}

/// <summary>One column value read from SQLite (DateTimeOffset also carries its offset column).</summary>
internal readonly record struct SqliteValue(bool IsNull, long Int64, double Double, string Text, long Offset);

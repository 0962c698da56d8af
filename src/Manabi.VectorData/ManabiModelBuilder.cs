using Microsoft.Extensions.VectorData.ProviderServices;

namespace Manabi.VectorData;

/// <summary>Validates record types and definitions against what the store can keep.</summary>
internal sealed class ManabiModelBuilder() : CollectionModelBuilder(new CollectionModelBuildingOptions
{
    SupportsMultipleVectors = true,
    RequiresAtLeastOneVector = false,
})
{
    private static readonly HashSet<Type> KeyTypes = [typeof(int), typeof(long), typeof(Guid), typeof(string)];

    protected override bool IsDataPropertyTypeValid(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = ValueCodec.SupportedDataTypes;
        return ValueCodec.IsDataTypeSupported(type);
    }

    protected override bool IsVectorPropertyTypeValid(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = ValueCodec.SupportedVectorTypes;
        return ValueCodec.IsNativeVectorType(type);
    }

    // Guid keys are made with Guid.NewGuid(); int and long keys take the next number after the largest stored.
    protected override bool SupportsKeyAutoGeneration(Type keyPropertyType) =>
        keyPropertyType == typeof(Guid) || keyPropertyType == typeof(int) || keyPropertyType == typeof(long);

    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        base.ValidateKeyProperty(keyProperty);
        if (!KeyTypes.Contains(keyProperty.Type))
        {
            throw new NotSupportedException(
                $"key property '{keyProperty.ModelName}' has type {keyProperty.Type.Name}; supported key types: int, long, Guid, string");
        }
    }
}

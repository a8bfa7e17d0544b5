using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

/// <summary>Why an object's addresses are being brought in line with the templates, which decides the types regenerated.</summary>
/// <remarks>Every kind also fills in the types the object has no primary address for.</remarks>
public sealed class ProxyUpdate
{
    private ProxyUpdate(TemplateFields changedFields, string? addressType)
    {
        ChangedFields = changedFields;
        AddressType = addressType;
    }

    /// <summary>A new object: make every type it lacks a primary address for, and touch nothing else.</summary>
    public static ProxyUpdate Create { get; } = new(TemplateFields.None, null);

    /// <summary>The names changed: regenerate the types whose templates use a changed field.</summary>
    public static ProxyUpdate FieldsChanged(TemplateFields changed) => new(changed, null);

    /// <summary>The template of one type changed: regenerate that type.</summary>
    /// <exception cref="ArgumentException"><paramref name="addressType"/> is not an address type.</exception>
    public static ProxyUpdate TemplateChanged(string addressType)
    {
        ArgumentNullException.ThrowIfNull(addressType);
        if (!ProxyAddress.IsValidType(addressType))
        {
            throw new ArgumentException($"'{addressType}' is not an address type", nameof(addressType));
        }

        return new(TemplateFields.None, addressType.ToUpperInvariant());
    }

    /// <summary>The name fields that changed; <see cref="TemplateFields.None"/> unless made by <see cref="FieldsChanged"/>.</summary>
    public TemplateFields ChangedFields { get; }

    /// <summary>The address type whose template changed, upper case; null unless made by <see cref="TemplateChanged"/>.</summary>
    public string? AddressType { get; }

    /// <summary>True when the type of <paramref name="template"/> must be made again even though the object has a primary of it.</summary>
    public bool Regenerates(AddressTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return (template.Fields & ChangedFields) != TemplateFields.None
            || string.Equals(template.AddressType, AddressType, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        AddressType is not null ? $"template changed ({AddressType})"
        : ChangedFields != TemplateFields.None ? $"fields changed ({ChangedFields})"
        : "create";
}

using DirSync.Core.Model;

namespace DirSync.Core.Admin;

/// <summary>What a command, CSV row or import asks to set on a recipient; null means "leave as is".</summary>
public sealed class RecipientChanges
{
    /// <summary>A new alias (a rename).</summary>
    public string? Alias { get; set; }

    /// <summary>A new display name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>A new container (a move).</summary>
    public DirectoryPath? Container { get; set; }

    /// <summary>A custom recipient's new target address.</summary>
    public ProxyAddress? TargetAddress { get; set; }

    /// <summary>The complete list of proxy addresses, replacing the current one; generation then fills missing types.</summary>
    public IReadOnlyList<ProxyAddress>? ProxyAddresses { get; set; }

    /// <summary>No changes yet.</summary>
    public RecipientChanges()
        : this(0)
    {
    }

    /// <summary>No changes yet, with room for <paramref name="attributes"/> attributes (an import knows how many it sets).</summary>
    public RecipientChanges(int attributes) => Attributes = new(attributes);

    /// <summary>Descriptive attributes to replace; an empty list clears the attribute.</summary>
    public Dictionary<AttributeDefinition, List<string>> Attributes { get; }

    /// <summary>The complete member list (aliases), replacing the current one.</summary>
    public IReadOnlyList<string>? Members { get; set; }

    /// <summary>Members (aliases) to add.</summary>
    public List<string> AddMembers { get; } = [];

    /// <summary>Members (aliases) to remove.</summary>
    public List<string> RemoveMembers { get; } = [];

    /// <summary>For imports: the origin to record (adopting a local object, or moving objects to a replacement source).</summary>
    public ObjectOrigin? Origin { get; set; }

    /// <summary>True when nothing is asked for.</summary>
    public bool IsEmpty =>
        Alias is null && DisplayName is null && Container is null && TargetAddress is null && ProxyAddresses is null && Origin is null
        && Attributes.Count == 0 && Members is null && AddMembers.Count == 0 && RemoveMembers.Count == 0;

    /// <summary>Applies one <c>NAME=VALUE</c> setting, by either attribute spelling.</summary>
    /// <remarks>
    /// Repeating a multi-valued attribute adds values; an empty value clears the attribute.
    /// Identity and addressing attributes map onto their dedicated changes.
    /// </remarks>
    /// <exception cref="InvalidValueException">The name is unknown or read-only, or the value does not fit.</exception>
    public void Set(string name, string value)
    {
        var attribute = AttributeCatalog.Get(name);
        switch (attribute.Kind)
        {
            case AttributeKind.Operational:
                throw new InvalidValueException($"{attribute.LdapName} is kept by the directory and cannot be set");
            case AttributeKind.Identity when attribute == AttributeCatalog.Alias:
                Alias = SingleValue(attribute, Alias, value);
                return;
            case AttributeKind.Identity when attribute == AttributeCatalog.DisplayName:
                DisplayName = SingleValue(attribute, DisplayName, value);
                return;
            case AttributeKind.Identity:
                throw new InvalidValueException($"{attribute.LdapName} cannot be changed; remove the recipient and add it with the new class");
            case AttributeKind.Addressing when attribute == AttributeCatalog.TargetAddress:
                if (TargetAddress is not null)
                {
                    throw new InvalidValueException($"{attribute.LdapName} takes one value");
                }

                TargetAddress = ProxyAddress.Parse(value);
                return;
            case AttributeKind.Addressing:
                ProxyAddresses = value.Length == 0 ? [] : [.. ProxyAddresses ?? [], ProxyAddress.Parse(value)];
                return;
            case AttributeKind.Membership:
                Members = value.Length == 0 ? [] : [.. Members ?? [], value];
                return;
            default:
                if (!Attributes.TryGetValue(attribute, out var values))
                {
                    values = [];
                    Attributes.Add(attribute, values);
                }

                if (value.Length > 0)
                {
                    values.Add(value);
                }

                return;
        }
    }

    private static string SingleValue(AttributeDefinition attribute, string? current, string value) =>
        current is null ? value : throw new InvalidValueException($"{attribute.LdapName} takes one value");
}

namespace DirSync.Core.Sync;

/// <summary>What <c>instance set</c> asks to change; null leaves a setting as it is (or at its default for a new instance).</summary>
public sealed record InstanceChanges
{
    /// <summary>Export, import or both.</summary>
    public InstanceDirection? Direction { get; init; }

    /// <summary>One file for whichever direction the instance has (not for both).</summary>
    public string? File { get; init; }

    /// <summary>The export file.</summary>
    public string? ExportFile { get; init; }

    /// <summary>The import file.</summary>
    public string? ImportFile { get; init; }

    /// <summary>The containers to export (paths).</summary>
    public IReadOnlyList<string>? Containers { get; init; }

    /// <summary>Whether to include sub-containers.</summary>
    public bool? IncludeSubcontainers { get; init; }

    /// <summary>The export list: attribute names in either spelling.</summary>
    public IReadOnlyList<string>? Attributes { get; init; }

    /// <summary>The classes to export.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Which source address becomes the target address.</summary>
    public string? AddressType { get; init; }

    /// <summary>Where imports create objects.</summary>
    public string? TargetContainer { get; init; }

    /// <summary>What imports create.</summary>
    public string? ImportObjectClass { get; init; }

    /// <summary>Append to multi-valued attributes on import.</summary>
    public bool? MultiValueAppend { get; init; }

    /// <summary>The delete guard's limit: a number, or "default" to go back to the default.</summary>
    public string? DeleteLimit { get; init; }

    /// <summary>Relay: also export what this store imported.</summary>
    public bool? Relay { get; init; }

    /// <summary>The export format.</summary>
    public string? Format { get; init; }

    /// <summary>A live directory's URL, instead of a file; "" goes back to files.</summary>
    public string? Ldap { get; init; }

    /// <summary>The directory's base DN (with a file export: the DN entries are written under).</summary>
    public string? BaseDn { get; init; }

    /// <summary>The DN to bind as; "" binds anonymously.</summary>
    public string? BindDn { get; init; }

    /// <summary>The file whose first line is the bind password.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>An import's LDAP search filter; "" goes back to the default.</summary>
    public string? Filter { get; init; }

    /// <summary>A PEM file of the CA the server's certificate must chain to; "" goes back to the system's.</summary>
    public string? TlsCa { get; init; }

    /// <summary>LDIF file exports write stock-schema inetOrgPerson entries.</summary>
    public bool? LdifInetOrgPerson { get; init; }
}

using DirSync.Core.Connectors;
using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>How an instance exports and imports: the original's per-instance registry settings.</summary>
public sealed record InstanceSettings
{
    /// <summary>What the instance does.</summary>
    public InstanceDirection Direction { get; init; } = InstanceDirection.Export;

    /// <summary>The file an export writes.</summary>
    public string? ExportFile { get; init; }

    /// <summary>The file an import reads.</summary>
    public string? ImportFile { get; init; }

    /// <summary>The containers an export reads (a full export may span several).</summary>
    public IReadOnlyList<DirectoryPath> Containers { get; init; } = [DirectoryPath.Recipients];

    /// <summary>Whether the containers below <see cref="Containers"/> are exported too.</summary>
    public bool IncludeSubcontainers { get; init; }

    /// <summary>The descriptive attributes an export writes; alias, display name and addresses are always written.</summary>
    public IReadOnlyList<AttributeDefinition> ExportAttributes { get; init; } = DefaultExportAttributes;

    /// <summary>The classes an export writes (mailboxes only, by default, as the original).</summary>
    public IReadOnlyList<ObjectClass> Classes { get; init; } = [ObjectClass.Mailbox];

    /// <summary>Which of the source's addresses becomes an imported custom recipient's target address.</summary>
    public string AddressType { get; init; } = "EDK";

    /// <summary>Where imported objects are created.</summary>
    public DirectoryPath TargetContainer { get; init; } = DirectoryPath.Recipients;

    /// <summary>What an import creates: custom recipients (the original's Remote) or mailboxes.</summary>
    public ObjectClass ImportObjectClass { get; init; } = ObjectClass.CustomRecipient;

    /// <summary>Whether an import appends to multi-valued attributes instead of replacing them.</summary>
    public bool MultiValueAppend { get; init; }

    /// <summary>The delete guard's limit for this instance's imports; null for the default (500, or 10% of the source's entries).</summary>
    public long? DeleteLimit { get; init; }

    /// <summary>Whether an export also passes on what this store imported (relaying), with its origin kept; never what came from this instance's own import source.</summary>
    public bool Relay { get; init; }

    /// <summary>The format an export writes; imports detect the format themselves.</summary>
    public ChangeSetFormat Format { get; init; } = ChangeSetFormat.Ldif;

    /// <summary>The live directory the instance imports from or exports to instead of a file; null for files.</summary>
    public DirectoryEndpoint? Directory { get; init; }

    /// <summary>For LDIF file exports: the DN the entries are written under instead of <c>ou=Site,o=Org</c>; null for that default.</summary>
    public string? LdifBaseDn { get; init; }

    /// <summary>For LDIF file exports: write entries as stock-schema <c>inetOrgPerson</c> entries that <c>ldapadd</c> loads into OpenLDAP.</summary>
    public bool LdifInetOrgPerson { get; init; }

    /// <summary>Every descriptive attribute of the schema: the export list when none is given.</summary>
    public static IReadOnlyList<AttributeDefinition> DefaultExportAttributes { get; } =
        AttributeCatalog.All.Where(a => a.Kind == AttributeKind.Descriptive).ToList();

    /// <summary>Value equality, list contents included.</summary>
    public bool Equals(InstanceSettings? other) =>
        other is not null
        && Direction == other.Direction
        && ExportFile == other.ExportFile
        && ImportFile == other.ImportFile
        && Containers.SequenceEqual(other.Containers)
        && IncludeSubcontainers == other.IncludeSubcontainers
        && ExportAttributes.SequenceEqual(other.ExportAttributes)
        && Classes.SequenceEqual(other.Classes)
        && AddressType == other.AddressType
        && TargetContainer == other.TargetContainer
        && ImportObjectClass == other.ImportObjectClass
        && MultiValueAppend == other.MultiValueAppend
        && DeleteLimit == other.DeleteLimit
        && Relay == other.Relay
        && Format == other.Format
        && Equals(Directory, other.Directory)
        && LdifBaseDn == other.LdifBaseDn
        && LdifInetOrgPerson == other.LdifInetOrgPerson;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Direction, ExportFile, ImportFile, AddressType, Format);
}

using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>How a <see cref="ChangeApplier"/> turns records into recipients: where they go, whose they are, what they may touch.</summary>
/// <remarks>The instance importer and the Dir-Sync hub differ only in policy; the engine that applies changes is the same.</remarks>
public sealed record ApplyPolicy
{
    /// <summary>The origin key imported objects record; together with the anchor it identifies them.</summary>
    public required string SourceKey { get; init; }

    /// <summary>The <c>importedFrom</c> label (for the hub, the owning postoffice) of a record's object.</summary>
    public required Func<ChangeRecord, string> ImportedFrom { get; init; }

    /// <summary>The container a new object of a record is created in (created when missing).</summary>
    public required Func<ChangeRecord, DirectoryPath> Container { get; init; }

    /// <summary>The descriptive attributes every record speaks for (a modify replaces all of them).</summary>
    public required IReadOnlyList<AttributeDefinition> Attributes { get; init; }

    /// <summary>Which of the source's addresses becomes a custom recipient's target address.</summary>
    public string AddressType { get; init; } = "EDK";

    /// <summary>When the record has no address of <see cref="AddressType"/>, use its first primary address instead of failing.</summary>
    public bool FallBackToAnyAddress { get; init; }

    /// <summary>How to fix a missing address type, appended to the error.</summary>
    public string AddressTypeHint { get; init; } = "set the address type to one the source generates";

    /// <summary>What new objects are created as.</summary>
    public ObjectClass ObjectClass { get; init; } = ObjectClass.CustomRecipient;

    /// <summary>Whether multi-valued attributes are appended to rather than replaced.</summary>
    public bool MultiValueAppend { get; init; }

    /// <summary>Why the record may not change the existing object, or null when it may (ownership).</summary>
    public Func<ChangeRecord, DirectoryObject, string?> Refuse { get; init; } = (_, _) => null;

    /// <summary>Why the record may not be applied, decided by looking in the store beyond its own source's objects; null when it may.</summary>
    /// <remarks>For a source that can name objects the policy's origin key does not cover (the hub's server postoffice, whose own users are local objects).</remarks>
    public Func<IDirectoryReader, ChangeRecord, CancellationToken, ValueTask<string?>>? RefuseUnseen { get; init; }

    /// <summary>Why a record must not create the object it names, because that object is here already by another way (a loop, a second path); null when it may.</summary>
    /// <remarks>Asked only before an object would be created; see <see cref="OriginKeys.KnownElsewhereAsync"/>.</remarks>
    public Func<IDirectoryReader, ChangeRecord, CancellationToken, ValueTask<string?>>? KnownElsewhere { get; init; }

    /// <summary>Records to pass over without a word of complaint (the hub's records about this postoffice's own users).</summary>
    public Func<ChangeRecord, bool> Ignore { get; init; } = _ => false;

    /// <summary>Which existing objects, by their origin, a full change set speaks for: those absent from it are deleted.</summary>
    public Func<ObjectOrigin, bool> ReconcileScope { get; init; } = _ => true;
}

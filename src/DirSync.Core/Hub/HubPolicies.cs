using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Hub;

/// <summary>The apply policies of the hub: the one apply engine, told whose entries are whose.</summary>
/// <remarks>
/// Every store keeps hub entries under one origin key, matched by anchor, with <c>importedFrom</c>
/// naming the owning postoffice; each postoffice's entries live in its own address list
/// (<c>Postoffices/NET/PO</c>).
/// </remarks>
public static class HubPolicies
{
    /// <summary>The origin key of every entry that came through Dir-Sync.</summary>
    public const string SourceKey = OriginKeys.Hub;

    /// <summary>How the server takes in a requestor's updates: they may only touch that requestor's own entries.</summary>
    /// <param name="sender">The requestor that sent them.</param>
    /// <param name="own">True when the sender is the server's own postoffice, whose users are local objects here.</param>
    /// <param name="addressType">Which address becomes a custom recipient's target.</param>
    /// <param name="ownName">The server postoffice's own name, for refusals.</param>
    /// <remarks>
    /// The server postoffice's own users are local objects here, with no Dir-Sync origin, so a record from another
    /// postoffice naming one would otherwise be taken for a new entry of the sender's and relayed to everyone else,
    /// who know that anchor as the server postoffice's; such records are refused too.
    /// </remarks>
    public static ApplyPolicy Server(string sender, bool own, string addressType, string ownName) => new()
    {
        SourceKey = SourceKey,
        ImportedFrom = _ => sender,
        Container = _ => PostofficeName.AddressList(sender),
        Attributes = InstanceSettings.DefaultExportAttributes,
        AddressType = addressType,
        FallBackToAnyAddress = true,
        Ignore = _ => own,
        Refuse = (record, existing) =>
            !PostofficeName.Same(existing.Origin?.ImportedFrom, sender)
                ? $"{sender} may not change '{existing.Alias}': it belongs to {existing.Origin?.ImportedFrom}"
            : record.Owner is not null && !PostofficeName.Same(record.Owner, sender)
                ? $"{sender} sent an entry it says belongs to {record.Owner}; a postoffice may only send its own"
            : null,
        RefuseUnseen = own
            ? null
            : async (reader, record, cancellationToken) =>
                await reader.FindByGuidAsync(record.Anchor, includeDeleted: true, cancellationToken) is { Origin: null } local
                    ? $"{sender} may not change '{local.Alias}': it belongs to {ownName}"
                    : null,
        ReconcileScope = origin => PostofficeName.Same(origin.ImportedFrom, sender),
    };

    /// <summary>How a requestor takes in the server's replies: entries of every postoffice but its own.</summary>
    public static ApplyPolicy Requestor(RequestorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new()
        {
            SourceKey = SourceKey,
            ImportedFrom = record => record.Owner ?? throw new InvalidValueException("the entry does not name the postoffice it belongs to"),
            Container = record => PostofficeName.AddressList(record.Owner ?? throw new InvalidValueException("the entry does not name the postoffice it belongs to")),
            Attributes = InstanceSettings.DefaultExportAttributes,
            AddressType = state.AddressType,
            FallBackToAnyAddress = true,

            // No postoffice holds a copy of its own users.
            Ignore = record => PostofficeName.Same(record.Owner, state.Name),
            ReconcileScope = origin => !PostofficeName.Same(origin.ImportedFrom, state.Name),
        };
    }

    /// <summary>Whether a postoffice sends an object of its store: its own users, and with relaying what its instances imported — never what came from Dir-Sync.</summary>
    public static bool Sends(DirectoryObject value, bool relay)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Origin is null || (relay && value.Origin.Source != SourceKey);
    }

    /// <summary>The record a postoffice sends for one of its objects: its own, or one it relays under the anchor it was first given.</summary>
    public static ChangeRecord Record(DirectoryObject value, ChangeKind kind, string owner)
    {
        ArgumentNullException.ThrowIfNull(value);
        var record = Exporter.ToRecord(value, kind, InstanceSettings.DefaultExportAttributes, value.Origin?.Anchor);
        record.Owner = owner;
        return record;
    }

    /// <summary>The record the server sends for an entry it holds: a hub entry (owner and anchor from its origin) or one of its own users.</summary>
    /// <remarks>Every store knows a hub entry by its owner's anchor, never by the GUID of its local copy.</remarks>
    public static ChangeRecord Record(DirectoryObject value, string ownPostoffice)
    {
        ArgumentNullException.ThrowIfNull(value);
        var relayed = value.Origin?.Source == SourceKey;
        var record = Exporter.ToRecord(value, ChangeKind.Add, InstanceSettings.DefaultExportAttributes, relayed ? value.Origin!.Anchor : null);
        record.Owner = relayed ? value.Origin!.ImportedFrom : ownPostoffice;
        return record;
    }
}

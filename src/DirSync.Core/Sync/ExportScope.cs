using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>Which objects an instance exports: its containers and classes; an imported object only when it relays, and never back to its own source.</summary>
internal sealed class ExportScope
{
    private readonly string? _ownSource;

    public ExportScope(InstanceSettings settings, InstanceState state)
    {
        Settings = settings;
        _ownSource = state.SourceIdentity is { } identity && state.SourceInstance is { } instance ? OriginKeys.Instance(identity, instance) : null;

        // With sub-containers, a container inside another listed one is already covered; dropping it
        // keeps a full export from writing an object twice.
        Roots = settings.IncludeSubcontainers
            ? settings.Containers.Where(c => !settings.Containers.Any(o => !o.Equals(c) && c.IsWithin(o))).Distinct().ToList()
            : settings.Containers.Distinct().ToList();
    }

    public InstanceSettings Settings { get; }

    public IReadOnlyList<DirectoryPath> Roots { get; }

    /// <summary>True when the object belongs in this instance's change sets.</summary>
    public bool Exports(DirectoryObject value) =>
        (value.Origin is null || Relays(value.Origin))
        && Settings.Classes.Contains(value.Class)
        && Roots.Any(root => Settings.IncludeSubcontainers ? value.Container.IsWithin(root) : value.Container.Equals(root));

    /// <summary>The record an export writes for an object in scope: a relayed one keeps its first anchor and names its origin.</summary>
    public ChangeRecord Record(DirectoryObject value, ChangeKind kind)
    {
        if (value.Origin is not { } origin)
        {
            return Exporter.ToRecord(value, kind, Settings.ExportAttributes);
        }

        var record = Exporter.ToRecord(value, kind, Settings.ExportAttributes, origin.Anchor);
        record.Owner = origin.ImportedFrom;
        return record;
    }

    // Loop suppression: without relaying, what came from an import never goes back out; with it, never to the
    // source it came from (an instance that imports from the store it exports to).
    private bool Relays(ObjectOrigin origin) => Settings.Relay && origin.Source != _ownSource;
}

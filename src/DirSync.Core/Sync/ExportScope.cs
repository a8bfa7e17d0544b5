using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>Which objects an instance exports: its containers and classes; an imported object only when it relays, and never back to its own source.</summary>
internal sealed class ExportScope
{
    private readonly bool _originAnchors;

    /// <summary>A scope of <paramref name="settings"/>.</summary>
    /// <param name="settings">The instance's containers, classes and attributes.</param>
    /// <param name="relay">Which imported objects may go out after all; null for none.</param>
    /// <param name="originAnchors">Relayed records carry the anchor the object was first given, and name its origin (change sets for other DirSync stores).</param>
    public ExportScope(InstanceSettings settings, Func<ObjectOrigin, bool>? relay = null, bool originAnchors = false)
    {
        Settings = settings;
        Relay = relay;
        _originAnchors = originAnchors;

        // With sub-containers, a container inside another listed one is already covered; dropping it
        // keeps a full export from writing an object twice.
        Roots = settings.IncludeSubcontainers
            ? settings.Containers.Where(c => !settings.Containers.Any(o => !o.Equals(c) && c.IsWithin(o))).Distinct().ToList()
            : settings.Containers.Distinct().ToList();
    }

    public InstanceSettings Settings { get; }

    public IReadOnlyList<DirectoryPath> Roots { get; }

    /// <summary>Which imported objects may go out after all (to a live directory other than their origin); null for none.</summary>
    public Func<ObjectOrigin, bool>? Relay { get; }

    /// <summary>True when the object belongs in this instance's change sets.</summary>
    public bool Exports(DirectoryObject value) =>
        (value.Origin is null || Relay?.Invoke(value.Origin) == true) // loop suppression: what came from an import goes out only when relayed, never back to its origin
        && Settings.Classes.Contains(value.Class)
        && Roots.Any(root => Settings.IncludeSubcontainers ? value.Container.IsWithin(root) : value.Container.Equals(root));

    /// <summary>The record an export writes for an object in scope: a relayed one keeps its first anchor and names its origin.</summary>
    public ChangeRecord Record(DirectoryObject value, ChangeKind kind)
    {
        if (value.Origin is not { } origin || !_originAnchors)
        {
            return Exporter.ToRecord(value, kind, Settings.ExportAttributes);
        }

        var record = Exporter.ToRecord(value, kind, Settings.ExportAttributes, origin.Anchor);
        record.Owner = origin.ImportedFrom;
        return record;
    }

    /// <summary>The scope of a file export instance: it relays when set to, never to the source it imports from (an instance that does both).</summary>
    public static ExportScope ForInstance(InstanceSettings settings, InstanceState state)
    {
        var ownSource = state.SourceIdentity is { } identity && state.SourceInstance is { } instance ? OriginKeys.Instance(identity, instance) : null;
        return new ExportScope(settings, settings.Relay ? origin => origin.Source != ownSource : null, originAnchors: true);
    }
}

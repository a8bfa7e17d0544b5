using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>Which objects an instance exports: its containers and classes, never an imported object.</summary>
internal sealed class ExportScope
{
    public ExportScope(InstanceSettings settings, Func<ObjectOrigin, bool>? relay = null)
    {
        Settings = settings;
        Relay = relay;

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
        (value.Origin is null || Relay?.Invoke(value.Origin) == true) // loop suppression: what came from an import never goes back to its origin
        && Settings.Classes.Contains(value.Class)
        && Roots.Any(root => Settings.IncludeSubcontainers ? value.Container.IsWithin(root) : value.Container.Equals(root));
}

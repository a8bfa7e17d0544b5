namespace DirSync.Core.Sync;

/// <summary>Where an instance stands: its export watermark and what it has imported.</summary>
public sealed record InstanceState
{
    /// <summary>The highest USN the last export covered (the watermark); 0 before the first export.</summary>
    public long LastUsn { get; init; }

    /// <summary>The sequence number of the last export; the next one is one higher.</summary>
    public long LastSequence { get; init; }

    /// <summary>The identity of the store the watermark was taken from; USNs mean nothing in another store.</summary>
    public Guid? WatermarkIdentity { get; init; }

    /// <summary>Why the next export must be a full one (its scope changed since the last), or null when an incremental one will do.</summary>
    public string? FullExportRequired { get; init; }

    /// <summary>When the instance last exported.</summary>
    public DateTimeOffset? LastExport { get; init; }

    /// <summary>The source store this instance imports from, fixed by its first import.</summary>
    public Guid? SourceIdentity { get; init; }

    /// <summary>The readable name of that source (Org/Site/Server).</summary>
    public string? SourceName { get; init; }

    /// <summary>The source's export instance; with <see cref="SourceIdentity"/> it names what this instance imports.</summary>
    public string? SourceInstance { get; init; }

    /// <summary>The sequence number of the last change set imported.</summary>
    public long LastImportedSequence { get; init; }

    /// <summary>The integrity hash of the last change set imported, to tell a replay from a re-export.</summary>
    public string? LastImportedHash { get; init; }

    /// <summary>When the last change set imported was written at its source.</summary>
    public DateTimeOffset? LastImportedCreated { get; init; }

    /// <summary>The watermark the last change set imported started after, to tell a re-export from a restored source.</summary>
    public long LastImportedUsnFrom { get; init; }

    /// <summary>When the instance last imported.</summary>
    public DateTimeOffset? LastImport { get; init; }

    /// <summary>The identity of the live directory the instance reads or writes, fixed by its first run there.</summary>
    public Guid? DirectoryIdentity { get; init; }

    /// <summary>Where the last import from a live directory ended (an RFC 4533 or DirSync cookie); the next one reads what changed since.</summary>
    public string? DirectoryCookie { get; init; }
}

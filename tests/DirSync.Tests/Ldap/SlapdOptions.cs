namespace DirSync.Tests.Ldap;

/// <summary>How a test's slapd is configured.</summary>
internal sealed record SlapdOptions
{
    /// <summary>Load the syncprov overlay (RFC 4533); without it DirSync falls back to timestamps.</summary>
    public bool SyncProv { get; init; } = true;

    /// <summary>Keep a session log, so incremental refreshes report deletes (the delete phase) rather than everything present.</summary>
    public bool SessionLog { get; init; } = true;

    /// <summary>The size limit for every account but the root DN.</summary>
    public int SizeLimit { get; init; } = 500;

    /// <summary>Don't wait for the disk on every write (benchmarks, where ldapadd gets the same).</summary>
    public bool NoSync { get; init; }

    /// <summary>More lines for the database section (ACLs, limits).</summary>
    public string ExtraDatabaseConfig { get; init; } = "";
}

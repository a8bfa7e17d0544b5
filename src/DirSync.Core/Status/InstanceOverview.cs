namespace DirSync.Core.Status;

/// <summary>One instance: what it does, where it stands and how its last run ended.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Direction"><c>export</c>, <c>import</c> or <c>both</c>.</param>
/// <param name="LastExport">When it last exported; null if never.</param>
/// <param name="LastSequence">The sequence number of its last export.</param>
/// <param name="LastImport">When it last imported; null if never.</param>
/// <param name="LastImportedSequence">The sequence number of the last change set it imported.</param>
/// <param name="LastRun">Its last run, or null when none was recorded.</param>
public sealed record InstanceOverview(
    string Name,
    string Direction,
    DateTimeOffset? LastExport,
    long LastSequence,
    DateTimeOffset? LastImport,
    long LastImportedSequence,
    RunRecord? LastRun);

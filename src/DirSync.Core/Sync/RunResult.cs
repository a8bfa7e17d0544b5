namespace DirSync.Core.Sync;

/// <summary>What one run of an instance did: its export, its import, or both.</summary>
public sealed record RunResult(string Instance, InstanceDirection Direction, ExportResult? Export, ImportResult? Import);

namespace DirSync.Core.Sync;

/// <summary>What an apply session did (or, in a dry run, would do).</summary>
/// <param name="Added">Objects created.</param>
/// <param name="Modified">Objects changed.</param>
/// <param name="Deleted">Objects deleted (by delete records, and by a full change set's reconciliation).</param>
/// <param name="Unchanged">Records that changed nothing.</param>
/// <param name="Refused">Records refused by the policy.</param>
/// <param name="DryRun">True when nothing was written.</param>
/// <param name="Blocked">In a dry run, why the delete guard would stop the real run; null when it would not.</param>
/// <param name="Notes">What an administrator should know: suffixes given, adoptions, refusals.</param>
public sealed record ApplyResult(
    long Added, long Modified, long Deleted, long Unchanged, long Refused, bool DryRun, string? Blocked, IReadOnlyList<string> Notes);

namespace DirSync.Core.Sync;

/// <summary>What applying one record did: a typed outcome, so callers never read it back from a note.</summary>
/// <param name="Action">What was done.</param>
/// <param name="Alias">The local alias of the object concerned (the record's own alias when none is here).</param>
/// <param name="Reason">Why a record was refused; null otherwise.</param>
public readonly record struct AppliedChange(ApplyAction Action, string Alias, string? Reason = null)
{
    /// <summary>True when the policy refused the record (an update of an object the source does not own).</summary>
    public bool Refused => Action == ApplyAction.Refused;
}

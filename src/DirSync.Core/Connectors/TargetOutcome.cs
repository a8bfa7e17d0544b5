namespace DirSync.Core.Connectors;

/// <summary>The directory's answer to one change.</summary>
/// <param name="Change">The change.</param>
/// <param name="Action">What was done.</param>
/// <param name="Entry">The entry as it now is (null once deleted, or when a create was refused).</param>
/// <param name="Reason">For a refusal: the DN and the server's words.</param>
public sealed record TargetOutcome(TargetChange Change, TargetAction Action, OwnedEntry? Entry, string? Reason = null);

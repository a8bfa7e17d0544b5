namespace DirSync.Core.Sync;

/// <summary>What a session applied, as its input describes itself: for the delete guard and the check that the input is the one verified.</summary>
/// <param name="Records">How many records the change set held.</param>
/// <param name="Sha256">The checksum of the input as read by the pass that applied it; null where the input has none (a queue, a directory).</param>
public readonly record struct ApplyInput(long Records, string? Sha256 = null);

namespace DirSync.Core.Sync;

/// <summary>The end of a change set: how many records it holds and the SHA-256 of every byte before the trailer.</summary>
public sealed record ChangeSetTrailer(long Records, string Sha256);

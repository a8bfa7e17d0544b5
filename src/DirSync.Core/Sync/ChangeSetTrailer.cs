namespace DirSync.Core.Sync;

/// <summary>The end of a change set: how many records it holds and the SHA-256 of every byte before the trailer.</summary>
/// <param name="Records">How many records the change set holds.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of every byte before the trailer line.</param>
/// <param name="Proof">A keyed hash of <paramref name="Sha256"/> proving who wrote the file (hub messages), or null.</param>
public sealed record ChangeSetTrailer(long Records, string Sha256, string? Proof = null);

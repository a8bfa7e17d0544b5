namespace DirSync.Core.Gal;

/// <summary>When the GAL was last rebuilt, from which state of the directory, and how many entries it got.</summary>
/// <param name="Usn">The store's highest USN the rebuild read: a recipient changed since (a higher USN) is not in the GAL yet.</param>
/// <param name="Time">When it was rebuilt.</param>
/// <param name="Entries">How many entries it holds.</param>
public sealed record GalBuild(long Usn, DateTimeOffset Time, long Entries);

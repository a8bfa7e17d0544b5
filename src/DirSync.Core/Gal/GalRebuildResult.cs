namespace DirSync.Core.Gal;

/// <summary>What a rebuild of the Global Address List did.</summary>
/// <param name="Entries">How many entries the new GAL holds.</param>
/// <param name="Renamed">How many of them show their display name with a <c>001</c>, <c>002</c> ... suffix because it collided.</param>
public sealed record GalRebuildResult(long Entries, long Renamed);

using System.Text.Json.Serialization;
using DirSync.Core.Storage;

namespace DirSync.Core.Gal;

/// <summary>When the GAL was last rebuilt, from which state of the directory, and how many entries it got.</summary>
/// <param name="Usn">The store's highest USN the rebuild read: a recipient changed since (a higher USN) is not in the GAL yet.</param>
/// <param name="Time">When it was rebuilt.</param>
/// <param name="Entries">How many entries it holds.</param>
[StoredSetting(1)]
public sealed record GalBuild(
    [property: JsonPropertyName("usn")] long Usn,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("entries")] long Entries);

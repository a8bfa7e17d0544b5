using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>What a change set says about itself: where it came from, what it covers and its place in the sequence.</summary>
/// <param name="Source">The source store's identity and names.</param>
/// <param name="Instance">The instance that wrote it.</param>
/// <param name="Mode">Full or incremental.</param>
/// <param name="Sequence">Its number: one more than the source instance's previous export.</param>
/// <param name="UsnFrom">The watermark it starts after (exclusive; 0 for a full export).</param>
/// <param name="UsnTo">The highest USN it covers; the source's next watermark.</param>
/// <param name="Created">When it was written.</param>
/// <param name="Attributes">The descriptive attributes every record speaks for; a modify replaces all of them.</param>
public sealed record ChangeSetHeader(
    StoreInfo Source,
    string Instance,
    ChangeSetMode Mode,
    long Sequence,
    long UsnFrom,
    long UsnTo,
    DateTimeOffset Created,
    IReadOnlyList<AttributeDefinition> Attributes)
{
    /// <summary>The version of the change-set layout this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Further <c>key: value</c> lines a protocol adds (the hub's sync numbers, sender and recipient).</summary>
    /// <remarks>Keys are lower-case letters, digits and '-'; they are covered by the integrity check like every header line.</remarks>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>();
}

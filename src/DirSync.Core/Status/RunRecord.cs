using System.Text.Json.Serialization;
using DirSync.Core.Storage;

namespace DirSync.Core.Status;

/// <summary>The last run of one step (<c>server receive</c>, <c>requestor send</c>, ...) or instance: when, how long, and how it ended.</summary>
/// <param name="What">The step (<c>server receive</c>) or <c>instance NAME</c>.</param>
/// <param name="Started">When it started.</param>
/// <param name="Seconds">How long it took.</param>
/// <param name="Succeeded">False when it failed, or finished with errors (a refused message).</param>
/// <param name="Summary">What it did, or its first error.</param>
[StoredSetting(1)]
public sealed record RunRecord(
    [property: JsonPropertyName("what")] string What,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("summary")] string Summary);

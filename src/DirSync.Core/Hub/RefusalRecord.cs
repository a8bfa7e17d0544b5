using System.Text.Json.Serialization;

namespace DirSync.Core.Hub;

/// <summary>The last message or request the server refused from a registered requestor, as its status shows it.</summary>
/// <param name="Code">The event code (156 a wrong password, 161 a replay, ...).</param>
/// <param name="Reason">Why, in one line.</param>
/// <param name="Time">When.</param>
public sealed record RefusalRecord(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("time")] DateTimeOffset Time);

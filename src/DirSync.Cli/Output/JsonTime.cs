using System.Globalization;

namespace DirSync.Cli.Output;

/// <summary>How JSON output writes a moment: ISO 8601 in UTC, such as <c>2026-12-03T10:15:00Z</c>, with the fraction of a second where it has one (<c>10:15:00.651Z</c>).</summary>
internal static class JsonTime
{
    public static string Utc(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string? Utc(DateTimeOffset? time) => time is { } value ? Utc(value) : null;
}

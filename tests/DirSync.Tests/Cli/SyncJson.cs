using System.Text.Json;
using System.Text.Json.Nodes;

namespace DirSync.Tests.Cli;

/// <summary>Expected JSON documents of <c>dirsync run --json</c>, and recipient lists read as one line each.</summary>
internal static class SyncJson
{
    /// <summary>The document as one canonical line, for exact comparison (property order included).</summary>
    public static string Canonical(string json) => JsonNode.Parse(json)!.ToJsonString();

    /// <summary>What <c>run --json</c> prints for an export.</summary>
    public static string Export(
        string instance, string mode, string file, long sequence, long added, long modified, long deleted, long unchanged, long usnFrom, long usnTo, bool dryRun = false) =>
        JsonSerializer.Serialize(new { instance, direction = "export", mode, file, sequence, added, modified, deleted, unchanged, usnFrom, usnTo, dryRun });

    /// <summary>What <c>run --json</c> prints for an import.</summary>
    public static string Import(
        string instance, string mode, string file, long sequence, long added, long modified, long deleted, long unchanged, string source,
        bool alreadyApplied = false, bool dryRun = false, params string[] notes) =>
        JsonSerializer.Serialize(new { instance, direction = "import", mode, file, sequence, added, modified, deleted, unchanged, source, alreadyApplied, dryRun, notes });

    /// <summary>The recipients of a <c>recipients list --json</c> document as <c>alias | display name | class | target | where from</c>.</summary>
    public static List<string> Recipients(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(r => $"{r.GetProperty("alias").GetString()} | {r.GetProperty("displayName").GetString()} | {r.GetProperty("class").GetString()}"
                + $" | {r.GetProperty("targetAddress").GetString() ?? "-"} | {r.GetProperty("importedFrom").GetString() ?? "local"}")
            .ToList();
    }
}

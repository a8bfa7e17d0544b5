using System.Text.Json;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Gal;

/// <summary>The JSON shape of a GAL entry — a contract scripts rely on (see docs/gal.md).</summary>
internal static class GalJson
{
    public static void Write(Utf8JsonWriter json, GalEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("displayName", entry.DisplayName);
        json.WriteString("alias", entry.Alias);
        json.WriteString("class", entry.Class.ToToken());
        json.WriteString("address", entry.Address);
        json.WriteString("postoffice", entry.Postoffice);
        json.WriteEndObject();
    }
}

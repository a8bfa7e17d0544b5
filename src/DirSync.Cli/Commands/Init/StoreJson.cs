using System.Text.Json;
using DirSync.Core.Model;

namespace DirSync.Cli.Commands.Init;

/// <summary>The JSON shape of a store's identity.</summary>
internal static class StoreJson
{
    public static void Write(Utf8JsonWriter json, StoreInfo info, string path, long highestUsn)
    {
        json.WriteStartObject();
        json.WriteString("store", path);
        json.WriteString("identity", info.Identity);
        json.WriteString("organization", info.Organization);
        json.WriteString("site", info.Site);
        json.WriteString("server", info.Server);
        json.WriteString("created", Output.JsonTime.Utc(info.Created));
        json.WriteNumber("highestUsn", highestUsn);
        json.WriteEndObject();
    }
}

using System.Text.Json;
using DirSync.Core.Model;

namespace DirSync.Cli.Output;

/// <summary>The JSON shape of a recipient — a contract scripts rely on (see docs/commands.md).</summary>
internal static class RecipientJson
{
    public static void Write(Utf8JsonWriter json, DirectoryObject value)
    {
        json.WriteStartObject();
        json.WriteString("guid", value.Guid);
        json.WriteString("alias", value.Alias);
        json.WriteString("displayName", value.DisplayName);
        json.WriteString("class", value.Class.ToToken());
        json.WriteString("container", value.Container.Value);
        json.WriteStartArray("proxyAddresses");
        foreach (var proxy in value.ProxyAddresses)
        {
            json.WriteStringValue(proxy.ToString());
        }

        json.WriteEndArray();
        WriteNullable(json, "targetAddress", value.TargetAddress?.ToString());
        WriteNullable(json, "importedFrom", value.Origin?.ImportedFrom);
        json.WriteStartObject("attributes");
        foreach (var (attribute, values) in value.Attributes)
        {
            json.WriteStartArray(attribute.LdapName);
            foreach (var text in values)
            {
                json.WriteStringValue(text);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteStartArray("members");
        foreach (var member in value.Members)
        {
            json.WriteStringValue(member.Alias);
        }

        json.WriteEndArray();
        json.WriteNumber("usnCreated", value.UsnCreated);
        json.WriteNumber("usnChanged", value.UsnChanged);
        json.WriteString("whenCreated", JsonTime.Utc(value.WhenCreated));
        json.WriteString("whenChanged", JsonTime.Utc(value.WhenChanged));
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}

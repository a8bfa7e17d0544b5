using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DirSync.Tests.Support;

/// <summary>Reads what dirsync prints as JSON: whole documents, and recipients checked for their exact shape.</summary>
public static class CliJson
{
    private static readonly JsonValueKind[] Text = [JsonValueKind.String];
    private static readonly JsonValueKind[] TextOrNull = [JsonValueKind.String, JsonValueKind.Null];

    /// <summary>The properties of a recipient, in the order they are written, with the JSON kinds each may have.</summary>
    private static readonly (string Name, JsonValueKind[] Kinds)[] Shape =
    [
        ("guid", Text),
        ("alias", Text),
        ("displayName", Text),
        ("class", Text),
        ("container", Text),
        ("proxyAddresses", [JsonValueKind.Array]),
        ("targetAddress", TextOrNull),
        ("importedFrom", TextOrNull),
        ("attributes", [JsonValueKind.Object]),
        ("members", [JsonValueKind.Array]),
        ("usnCreated", [JsonValueKind.Number]),
        ("usnChanged", [JsonValueKind.Number]),
        ("whenCreated", Text),
        ("whenChanged", Text),
    ];

    /// <summary>Parses a whole JSON document, failing with the text when it is not JSON.</summary>
    public static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Asserts the recipient's shape and returns
    /// <c>alias | displayName | class | container | addresses | target | importedFrom | attributes | members | usn created/changed</c>.
    /// </summary>
    public static string DescribeRecipient(JsonElement recipient)
    {
        Assert.Equal(JsonValueKind.Object, recipient.ValueKind);
        var properties = recipient.EnumerateObject().ToList();
        Assert.Equal(Shape.Select(s => s.Name), properties.Select(p => p.Name));
        foreach (var (name, kinds) in Shape)
        {
            Assert.Contains(recipient.GetProperty(name).ValueKind, kinds);
        }

        Assert.True(Guid.TryParse(recipient.GetProperty("guid").GetString(), out _));
        Assert.True(DateTimeOffset.TryParse(recipient.GetProperty("whenCreated").GetString(), CultureInfo.InvariantCulture, out _));
        Assert.True(DateTimeOffset.TryParse(recipient.GetProperty("whenChanged").GetString(), CultureInfo.InvariantCulture, out _));

        var attributes = new StringBuilder();
        foreach (var attribute in recipient.GetProperty("attributes").EnumerateObject())
        {
            Assert.Equal(JsonValueKind.Array, attribute.Value.ValueKind);
            attributes.Append(attributes.Length == 0 ? "" : ";").Append(attribute.Name).Append('=').Append(string.Join(',', Strings(attribute.Value)));
        }

        return string.Join(
            " | ",
            recipient.GetProperty("alias").GetString(),
            recipient.GetProperty("displayName").GetString(),
            recipient.GetProperty("class").GetString(),
            recipient.GetProperty("container").GetString(),
            string.Join(',', Strings(recipient.GetProperty("proxyAddresses"))),
            recipient.GetProperty("targetAddress").GetString() ?? "(no target)",
            recipient.GetProperty("importedFrom").GetString() ?? "(local)",
            attributes.Length == 0 ? "(no attributes)" : attributes.ToString(),
            string.Join(',', Strings(recipient.GetProperty("members"))),
            $"{recipient.GetProperty("usnCreated").GetInt64()}/{recipient.GetProperty("usnChanged").GetInt64()}");
    }

    /// <summary>The string items of a JSON array, asserting each is a string.</summary>
    public static string[] Strings(JsonElement array)
    {
        Assert.Equal(JsonValueKind.Array, array.ValueKind);
        return [.. array.EnumerateArray().Select(item =>
        {
            Assert.Equal(JsonValueKind.String, item.ValueKind);
            return item.GetString()!;
        })];
    }
}

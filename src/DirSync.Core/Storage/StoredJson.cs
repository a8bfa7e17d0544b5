using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace DirSync.Core.Storage;

/// <summary>The one way a record is kept in a store setting: JSON with explicit property names and a version.</summary>
/// <remarks>
/// Only types marked <see cref="StoredSettingAttribute"/> are accepted, so every persisted type is known to the tests that
/// check its names and round trip. A form written before versions were kept has none and reads as version 1.
/// </remarks>
public static class StoredJson
{
    /// <summary>The property that carries the version of the stored form.</summary>
    public const string VersionProperty = "version";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The JSON text that stores <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        var version = VersionOf(typeof(T));

        // The version goes last, appended to the serializer's own text so every other value keeps its exact form.
        var json = JsonSerializer.Serialize(value, Options);
        if (!json.EndsWith('}'))
        {
            throw new InvalidOperationException($"{typeof(T).Name} is not stored as a JSON object");
        }

        var separator = json == "{}" ? string.Empty : ",";
        return string.Create(CultureInfo.InvariantCulture, $"{json[..^1]}{separator}\"{VersionProperty}\":{version}}}");
    }

    /// <summary>The value stored as <paramref name="json"/> under the setting <paramref name="key"/>, or null for no setting.</summary>
    /// <exception cref="DirSyncException">A newer DirSync wrote the setting in a form this one does not read.</exception>
    /// <exception cref="JsonException">The text is not the type's JSON.</exception>
    public static T? Deserialize<T>(string key, string? json) where T : class
    {
        if (json is null)
        {
            return null;
        }

        var supported = VersionOf(typeof(T));
        using (var document = JsonDocument.Parse(json))
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(VersionProperty, out var version)
                && version.ValueKind == JsonValueKind.Number
                && (!version.TryGetInt32(out var number) || number > supported))
            {
                throw new DirSyncException(
                    $"the stored setting '{key}' was written by a newer DirSync (form {version.GetRawText()}; this one reads up to {supported}); run a newer dirsync",
                    ErrorCategory.Store);
            }
        }

        return JsonSerializer.Deserialize<T>(json, Options);
    }

    private static int VersionOf(Type type) =>
        type.GetCustomAttribute<StoredSettingAttribute>()?.Version
        ?? throw new InvalidOperationException($"{type.Name} is not marked [StoredSetting]; mark it so its stored names are checked");
}

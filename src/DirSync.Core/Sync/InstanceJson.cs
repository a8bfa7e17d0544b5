using System.Text;
using System.Text.Json;
using DirSync.Core.Connectors;
using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>The persisted JSON form of instance settings and state, shared by every store backend.</summary>
/// <remarks>Names, not numbers, are written (attributes by LDAP name, enums by token), so the form survives schema growth.</remarks>
public static class InstanceJson
{
    /// <summary>Writes settings as JSON text.</summary>
    public static string Serialize(InstanceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Write(w =>
        {
            w.WriteString("direction", DirectionToken(settings.Direction));
            WriteOptional(w, "exportFile", settings.ExportFile);
            WriteOptional(w, "importFile", settings.ImportFile);
            w.WriteStartArray("containers");
            foreach (var container in settings.Containers)
            {
                w.WriteStringValue(container.Value);
            }

            w.WriteEndArray();
            w.WriteBoolean("subcontainers", settings.IncludeSubcontainers);
            w.WriteStartArray("attributes");
            foreach (var attribute in settings.ExportAttributes)
            {
                w.WriteStringValue(attribute.LdapName);
            }

            w.WriteEndArray();
            w.WriteStartArray("classes");
            foreach (var objectClass in settings.Classes)
            {
                w.WriteStringValue(objectClass.ToToken());
            }

            w.WriteEndArray();
            w.WriteString("addressType", settings.AddressType);
            w.WriteString("targetContainer", settings.TargetContainer.Value);
            w.WriteString("objectClass", settings.ImportObjectClass.ToToken());
            w.WriteBoolean("mvAppend", settings.MultiValueAppend);
            if (settings.DeleteLimit is { } limit)
            {
                w.WriteNumber("deleteLimit", limit);
            }

            w.WriteString("format", FormatToken(settings.Format));
            if (settings.Relay)
            {
                w.WriteBoolean("relay", true);
            }

            if (settings.Directory is { } directory)
            {
                w.WriteStartObject("ldap");
                w.WriteString("url", directory.Url);
                w.WriteString("baseDn", directory.BaseDn);
                WriteOptional(w, "bindDn", directory.BindDn);
                WriteOptional(w, "passwordFile", directory.PasswordFile);
                WriteOptional(w, "filter", directory.Filter);
                WriteOptional(w, "tlsCa", directory.TlsCa);
                w.WriteEndObject();
            }

            WriteOptional(w, "ldifBaseDn", settings.LdifBaseDn);
            if (settings.LdifInetOrgPerson)
            {
                w.WriteBoolean("ldifInetOrgPerson", true);
            }
        });
    }

    /// <summary>Writes state as JSON text.</summary>
    public static string Serialize(InstanceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Write(w =>
        {
            w.WriteNumber("lastUsn", state.LastUsn);
            w.WriteNumber("lastSequence", state.LastSequence);
            WriteOptional(w, "watermarkIdentity", state.WatermarkIdentity?.ToString());
            WriteOptional(w, "fullExportRequired", state.FullExportRequired);
            WriteOptional(w, "lastExport", state.LastExport?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            WriteOptional(w, "sourceIdentity", state.SourceIdentity?.ToString());
            WriteOptional(w, "sourceName", state.SourceName);
            WriteOptional(w, "sourceInstance", state.SourceInstance);
            w.WriteNumber("lastImportedSequence", state.LastImportedSequence);
            WriteOptional(w, "lastImportedHash", state.LastImportedHash);
            WriteOptional(w, "lastImportedCreated", state.LastImportedCreated?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("lastImportedUsnFrom", state.LastImportedUsnFrom);
            WriteOptional(w, "lastImport", state.LastImport?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            WriteOptional(w, "directoryIdentity", state.DirectoryIdentity?.ToString());
            WriteOptional(w, "directoryCookie", state.DirectoryCookie);
        });
    }

    /// <summary>Reads settings written by <see cref="Serialize(InstanceSettings)"/>.</summary>
    public static InstanceSettings DeserializeSettings(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new InstanceSettings
        {
            Direction = ParseDirection(root.GetProperty("direction").GetString()!),
            ExportFile = OptionalString(root, "exportFile"),
            ImportFile = OptionalString(root, "importFile"),
            Containers = root.GetProperty("containers").EnumerateArray().Select(e => DirectoryPath.Parse(e.GetString()!)).ToList(),
            IncludeSubcontainers = root.GetProperty("subcontainers").GetBoolean(),
            ExportAttributes = root.GetProperty("attributes").EnumerateArray().Select(e => AttributeCatalog.Get(e.GetString()!)).ToList(),
            Classes = root.GetProperty("classes").EnumerateArray().Select(e => ObjectClassNames.Parse(e.GetString()!)).ToList(),
            AddressType = root.GetProperty("addressType").GetString()!,
            TargetContainer = DirectoryPath.Parse(root.GetProperty("targetContainer").GetString()!),
            ImportObjectClass = ObjectClassNames.Parse(root.GetProperty("objectClass").GetString()!),
            MultiValueAppend = root.GetProperty("mvAppend").GetBoolean(),
            DeleteLimit = root.TryGetProperty("deleteLimit", out var limit) ? limit.GetInt64() : null,
            Format = ParseFormat(root.GetProperty("format").GetString()!),
            Relay = root.TryGetProperty("relay", out var relay) && relay.GetBoolean(),
            Directory = root.TryGetProperty("ldap", out var ldap) ? ReadEndpoint(ldap) : null,
            LdifBaseDn = OptionalString(root, "ldifBaseDn"),
            LdifInetOrgPerson = root.TryGetProperty("ldifInetOrgPerson", out var inetOrgPerson) && inetOrgPerson.GetBoolean(),
        };
    }

    /// <summary>Reads state written by <see cref="Serialize(InstanceState)"/>.</summary>
    public static InstanceState DeserializeState(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new InstanceState
        {
            LastUsn = root.GetProperty("lastUsn").GetInt64(),
            LastSequence = root.GetProperty("lastSequence").GetInt64(),
            WatermarkIdentity = OptionalString(root, "watermarkIdentity") is { } w ? Guid.Parse(w) : null,
            FullExportRequired = OptionalString(root, "fullExportRequired"),
            LastExport = OptionalString(root, "lastExport") is { } e ? DateTimeOffset.Parse(e, System.Globalization.CultureInfo.InvariantCulture) : null,
            SourceIdentity = OptionalString(root, "sourceIdentity") is { } s ? Guid.Parse(s) : null,
            SourceName = OptionalString(root, "sourceName"),
            SourceInstance = OptionalString(root, "sourceInstance"),
            LastImportedSequence = root.GetProperty("lastImportedSequence").GetInt64(),
            LastImportedHash = OptionalString(root, "lastImportedHash"),
            LastImportedCreated = OptionalString(root, "lastImportedCreated") is { } c ? DateTimeOffset.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : null,
            LastImportedUsnFrom = root.TryGetProperty("lastImportedUsnFrom", out var usnFrom) ? usnFrom.GetInt64() : 0,
            LastImport = OptionalString(root, "lastImport") is { } i ? DateTimeOffset.Parse(i, System.Globalization.CultureInfo.InvariantCulture) : null,
            DirectoryIdentity = OptionalString(root, "directoryIdentity") is { } d ? Guid.Parse(d) : null,
            DirectoryCookie = OptionalString(root, "directoryCookie"),
        };
    }

    /// <summary><c>export</c>, <c>import</c> or <c>both</c>.</summary>
    public static string DirectionToken(InstanceDirection direction) => direction switch
    {
        InstanceDirection.Export => "export",
        InstanceDirection.Import => "import",
        InstanceDirection.Both => "both",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, null),
    };

    /// <summary><c>ldif</c> or <c>edk</c>.</summary>
    public static string FormatToken(ChangeSetFormat format) => format == ChangeSetFormat.Ldif ? "ldif" : "edk";

    /// <summary>Reads <c>ldif</c> or <c>edk</c>.</summary>
    /// <exception cref="InvalidValueException">Neither.</exception>
    public static ChangeSetFormat ParseFormat(string text) => text.ToUpperInvariant() switch
    {
        "LDIF" => ChangeSetFormat.Ldif,
        "EDK" => ChangeSetFormat.Edk,
        _ => throw new InvalidValueException($"unknown format '{text}'; use ldif or edk"),
    };

    private static InstanceDirection ParseDirection(string text) => text switch
    {
        "export" => InstanceDirection.Export,
        "import" => InstanceDirection.Import,
        "both" => InstanceDirection.Both,
        _ => throw new InvalidDataException($"Unknown instance direction '{text}'."),
    };

    private static DirectoryEndpoint ReadEndpoint(JsonElement element) =>
        new(element.GetProperty("url").GetString()!, element.GetProperty("baseDn").GetString()!)
        {
            BindDn = OptionalString(element, "bindDn"),
            PasswordFile = OptionalString(element, "passwordFile"),
            Filter = OptionalString(element, "filter"),
            TlsCa = OptionalString(element, "tlsCa"),
        };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

using System.Text.Json;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Cli.Commands.Instances;

/// <summary>The JSON shape of an instance: its settings and state.</summary>
internal static class InstanceJsonOutput
{
    public static void Write(Utf8JsonWriter w, Instance instance)
    {
        var s = instance.Settings;
        var t = instance.State;
        w.WriteStartObject();
        w.WriteString("name", instance.Name);
        w.WriteString("direction", InstanceJson.DirectionToken(s.Direction));
        Nullable(w, "exportFile", s.ExportFile);
        Nullable(w, "importFile", s.ImportFile);
        w.WriteString("format", InstanceJson.FormatToken(s.Format));
        Strings(w, "containers", s.Containers.Select(c => c.Value));
        w.WriteBoolean("subcontainers", s.IncludeSubcontainers);
        Strings(w, "attributes", s.ExportAttributes.Select(a => a.LdapName));
        Strings(w, "classes", s.Classes.Select(c => c.ToToken()));
        w.WriteString("addressType", s.AddressType);
        w.WriteString("targetContainer", s.TargetContainer.Value);
        w.WriteString("objectClass", s.ImportObjectClass.ToToken());
        w.WriteBoolean("mvAppend", s.MultiValueAppend);
        w.WriteBoolean("relay", s.Relay);
        if (s.DeleteLimit is { } limit)
        {
            w.WriteNumber("deleteLimit", limit);
        }
        else
        {
            w.WriteNull("deleteLimit");
        }

        if (s.Directory is { } d)
        {
            w.WriteStartObject("ldap");
            w.WriteString("url", d.Url);
            w.WriteString("baseDn", d.BaseDn);
            Nullable(w, "bindDn", d.BindDn);
            Nullable(w, "passwordFile", d.PasswordFile);
            Nullable(w, "filter", d.Filter);
            Nullable(w, "tlsCa", d.TlsCa);
            w.WriteEndObject();
        }

        if (s.LdifBaseDn is not null || s.LdifInetOrgPerson)
        {
            Nullable(w, "ldifBaseDn", s.LdifBaseDn);
            w.WriteBoolean("ldifInetOrgPerson", s.LdifInetOrgPerson);
        }

        w.WriteStartObject("state");
        w.WriteNumber("lastUsn", t.LastUsn);
        w.WriteNumber("lastSequence", t.LastSequence);
        Nullable(w, "watermarkIdentity", t.WatermarkIdentity?.ToString());
        Nullable(w, "fullExportRequired", t.FullExportRequired);
        Nullable(w, "lastExport", t.LastExport?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Nullable(w, "sourceIdentity", t.SourceIdentity?.ToString());
        Nullable(w, "sourceName", t.SourceName);
        Nullable(w, "sourceInstance", t.SourceInstance);
        w.WriteNumber("lastImportedSequence", t.LastImportedSequence);
        Nullable(w, "lastImport", t.LastImport?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        if (s.Directory is not null)
        {
            Nullable(w, "directoryIdentity", t.DirectoryIdentity?.ToString());
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}

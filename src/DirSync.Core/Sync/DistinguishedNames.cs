using System.Text;
using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>Builds an object's distinguished name in the EDK form and the LDAP form.</summary>
/// <remarks>Names are informational in a change set: imports match by anchor, never by name.</remarks>
public static class DistinguishedNames
{
    /// <summary><c>/o=Org/ou=Site/cn=Recipients/cn=Alias</c>, the form of the EDK DIRSYNC file.</summary>
    public static string ToEdk(StoreInfo store, DirectoryPath container, string alias)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(container);
        var builder = new StringBuilder();
        builder.Append("/o=").Append(store.Organization).Append("/ou=").Append(store.Site);
        foreach (var segment in container.Segments)
        {
            builder.Append("/cn=").Append(segment);
        }

        return builder.Append("/cn=").Append(alias).ToString();
    }

    /// <summary><c>cn=Alias,cn=Recipients,ou=Site,o=Org</c>, escaped as RFC 4514 requires.</summary>
    public static string ToLdap(StoreInfo store, DirectoryPath container, string alias)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(container);
        var builder = new StringBuilder();
        AppendRdn(builder, "cn", alias);
        for (var i = container.Segments.Count - 1; i >= 0; i--)
        {
            builder.Append(',');
            AppendRdn(builder, "cn", container.Segments[i]);
        }

        builder.Append(',');
        AppendRdn(builder, "ou", store.Site);
        builder.Append(',');
        AppendRdn(builder, "o", store.Organization);
        return builder.ToString();
    }

    /// <summary>Escapes an attribute value for a DN (RFC 4514 section 2.4).</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                || (i == 0 && (c == '#' || c == ' '))
                || (i == value.Length - 1 && c == ' ');
            if (special)
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\0')
            {
                builder.Append("\\00");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static void AppendRdn(StringBuilder builder, string type, string value) =>
        builder.Append(type).Append('=').Append(EscapeValue(value));

    /// <summary>Reads the alias and container path from an LDAP-form DN written by <see cref="ToLdap"/>.</summary>
    public static bool TryParseLdap(string dn, out string alias, out DirectoryPath? container)
    {
        ArgumentNullException.ThrowIfNull(dn);
        var values = new List<(string Type, string Value)>();
        var current = new StringBuilder();
        string? type = null;
        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c == '\\' && i + 1 < dn.Length)
            {
                current.Append(dn[++i]);
            }
            else if (c == '=' && type is null)
            {
                type = current.ToString().Trim();
                current.Clear();
            }
            else if (c == ',')
            {
                values.Add((type ?? "", current.ToString()));
                current.Clear();
                type = null;
            }
            else
            {
                current.Append(c);
            }
        }

        values.Add((type ?? "", current.ToString()));
        return FromRdns(values, reverseContainers: true, out alias, out container);
    }

    /// <summary>Reads the alias and container path from an EDK-form DN written by <see cref="ToEdk"/>.</summary>
    public static bool TryParseEdk(string dn, out string alias, out DirectoryPath? container)
    {
        ArgumentNullException.ThrowIfNull(dn);
        var values = dn.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (part[..eq], part[(eq + 1)..]) : ("", part))
            .Reverse()
            .ToList();
        return FromRdns(values, reverseContainers: true, out alias, out container);
    }

    /// <summary>Takes RDNs leaf first: the first is the alias, the cn= ones up to the site are the container.</summary>
    private static bool FromRdns(List<(string Type, string Value)> rdns, bool reverseContainers, out string alias, out DirectoryPath? container)
    {
        alias = "";
        container = null;
        if (rdns.Count < 2 || !rdns[0].Type.Equals("cn", StringComparison.OrdinalIgnoreCase) || rdns[0].Value.Length == 0)
        {
            return false;
        }

        alias = rdns[0].Value;
        var segments = rdns.Skip(1).TakeWhile(r => r.Type.Equals("cn", StringComparison.OrdinalIgnoreCase)).Select(r => r.Value).ToList();
        if (reverseContainers)
        {
            segments.Reverse();
        }

        if (segments.Count > 0 && DirectoryPath.TryParse(string.Join('/', segments), out var path, out _))
        {
            container = path;
        }

        return true;
    }
}

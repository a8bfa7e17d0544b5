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
}

using System.Globalization;
using System.Text;
using DirSync.Core.Formats.Ldif;
using DirSync.Tests.Support;

namespace DirSync.Tests.Formats.Ldif;

/// <summary>Renders LDIF items as plain text, so tests compare whole records with one assertion.</summary>
internal static class LdifDump
{
    public static string Item(LdifReader reader, bool withLines = true) => reader.ItemKind switch
    {
        LdifItemKind.Version => Prefix(reader.LineNumber, withLines) + "version",
        LdifItemKind.Comment => Prefix(reader.LineNumber, withLines) + "comment " + Quote(reader.Comment),
        LdifItemKind.Record => Record(reader.Record, withLines),
        _ => "none",
    };

    public static string Record(LdifRecord record, bool withLines = false)
    {
        var text = new StringBuilder();
        text.Append(Prefix(record.LineNumber, withLines)).Append(record.ChangeType).Append(' ').Append(Quote(record.Dn));
        foreach (var value in record.Attributes)
        {
            text.Append("\n  ").Append(value.Name).Append(": ").Append(Quote(value.Value));
        }

        foreach (var modification in record.Modifications)
        {
            text.Append("\n  ").Append(modification.Kind).Append(' ').Append(modification.Attribute).Append(':');
            foreach (var value in modification.Values)
            {
                text.Append(' ').Append(Quote(value));
            }
        }

        if (record.ChangeType == LdifChangeType.ModRdn)
        {
            text.Append("\n  newrdn ").Append(Quote(record.NewRdn!))
                .Append(" deleteoldrdn ").Append(record.DeleteOldRdn ? 1 : 0)
                .Append(" newsuperior ").Append(record.NewSuperior is null ? "null" : Quote(record.NewSuperior));
        }

        return text.ToString();
    }

    /// <summary>Reads every item of <paramref name="ldif"/>.</summary>
    public static List<string> ReadAll(byte[] ldif, LdifReaderOptions? options = null, bool withLines = true, bool trickle = false)
    {
        using var reader = new LdifReader(trickle ? new TrickleStream(ldif) : new MemoryStream(ldif), "in.ldif", options);
        var items = new List<string>();
        while (reader.Read())
        {
            items.Add(Item(reader, withLines));
        }

        return items;
    }

    public static List<string> ReadAll(string ldif, LdifReaderOptions? options = null, bool withLines = true, bool trickle = false) =>
        ReadAll(Encoding.UTF8.GetBytes(ldif), options, withLines, trickle);

    /// <summary>Quotes a string, escaping what would be invisible or ambiguous in a test failure.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (c < ' ' || c == '\x7F')
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Append('"').ToString();
    }

    private static string Prefix(long line, bool withLines) =>
        withLines ? line.ToString(CultureInfo.InvariantCulture) + ": " : "";
}

using System.Text;
using DirSync.Core.Bulk;
using DirSync.Tests.Formats.Ldif;
using DirSync.Tests.Support;

namespace DirSync.Tests.Bulk;

/// <summary>Reads a bulk CSV to one line per row, so a test can state every row exactly.</summary>
internal static class BulkDump
{
    public static List<string> ReadAll(string csv, BulkCsvReaderOptions? options = null) => ReadAll(Encoding.UTF8.GetBytes(csv), options);

    public static List<string> ReadAll(byte[] csv, BulkCsvReaderOptions? options = null, bool trickle = false)
    {
        using var reader = new BulkCsvReader(trickle ? new TrickleStream(csv) : new MemoryStream(csv), "t.csv", options);
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Describe(reader.Row));
        }

        return rows;
    }

    /// <summary><c>line: Mode Class alias | Column=[value][value]</c>, or <c>line: error message</c>.</summary>
    public static string Describe(BulkCsvRow row)
    {
        if (row.Error is { } error)
        {
            return $"{row.Line}: error {error.Message}";
        }

        var text = new StringBuilder($"{row.Line}: {row.Mode} {row.Class} {Show(row.Alias)}");
        foreach (var field in row.Fields)
        {
            text.Append(" | ").Append(field.Column.Name).Append('=');
            if (field.IsClear)
            {
                text.Append("~DEL");
            }

            foreach (var value in field.Values)
            {
                text.Append('[').Append(Show(value)).Append(']');
            }
        }

        return text.ToString();
    }

    public static string Show(string value) => value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Tests.Support;

/// <summary>Writes, reads, describes and hand-edits change sets for tests.</summary>
public static partial class ChangeSetFile
{
    /// <summary>The change set the codecs write for <paramref name="header"/> and <paramref name="records"/>.</summary>
    public static byte[] Write(ChangeSetFormat format, ChangeSetHeader header, IEnumerable<ChangeRecord> records)
    {
        var stream = new MemoryStream();
        using (var writer = ChangeSetCodecs.Default.CreateWriter(format, stream, header))
        {
            foreach (var record in records)
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        return stream.ToArray();
    }

    public static void Write(string path, ChangeSetFormat format, ChangeSetHeader header, IEnumerable<ChangeRecord> records) =>
        File.WriteAllBytes(path, Write(format, header, records));

    /// <summary>Reads a change set whole: its format, header, records and trailer.</summary>
    public static (ChangeSetFormat Format, ChangeSetHeader Header, List<ChangeRecord> Records, ChangeSetTrailer Trailer) Read(
        byte[] bytes, string name = "test.changeset", ChangeSetCodecs? codecs = null)
    {
        using var reader = (codecs ?? ChangeSetCodecs.Default).OpenReader(new MemoryStream(bytes), name);
        var records = new List<ChangeRecord>();
        while (reader.Read(out var record))
        {
            records.Add(record);
        }

        return (reader.Format, reader.Header, records, reader.Trailer);
    }

    public static (ChangeSetFormat Format, ChangeSetHeader Header, List<ChangeRecord> Records, ChangeSetTrailer Trailer) Read(string path) =>
        Read(File.ReadAllBytes(path), path);

    /// <summary>One line that shows everything a record carries, for exact comparisons.</summary>
    public static string Describe(ChangeRecord record) =>
        $"{record.Kind} {record.Anchor} cn={Quote(record.Alias)} in {record.Container.Value} class={record.Class?.ToToken() ?? "-"}"
        + $" displayName={Quote(record.DisplayName)} proxies=[{string.Join(", ", record.ProxyAddresses)}] target={record.TargetAddress?.ToString() ?? "-"}"
        + string.Concat(record.Attributes.Select(a => $" {a.Key.LdapName}=[{string.Join(", ", a.Value.Select(Quote))}]"));

    /// <summary>Describes what an import of <paramref name="record"/> reads back: modifies and deletes carry no class, deletes only names.</summary>
    public static string DescribeAsRead(ChangeRecord record)
    {
        var copy = new ChangeRecord(record.Kind, record.Anchor, record.Alias, record.Container)
        {
            Class = record.Kind == ChangeKind.Add ? record.Class : null,
        };
        if (record.Kind != ChangeKind.Delete)
        {
            copy.DisplayName = record.DisplayName ?? record.Alias;
            copy.ProxyAddresses.AddRange(record.ProxyAddresses);
            copy.TargetAddress = record.TargetAddress;
            foreach (var (attribute, values) in record.Attributes)
            {
                copy.Attributes.Set(attribute, values);
            }
        }

        return Describe(copy);
    }

    /// <summary>Applies <paramref name="edit"/> to everything before the trailer, then writes a new, valid trailer.</summary>
    /// <remarks>This is what a careful hand-editor (or a tool) does: the result passes the integrity check.</remarks>
    public static byte[] EditAndReseal(byte[] bytes, Func<string, string> edit, long? records = null)
    {
        var (body, declared) = SplitTrailer(bytes);
        var edited = Encoding.UTF8.GetBytes(edit(body));
        return Reseal(edited, records ?? declared);
    }

    /// <summary>Appends a trailer for <paramref name="body"/> as the codecs would (unfolded).</summary>
    public static byte[] Reseal(byte[] body, long records)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        return [.. body, .. Encoding.UTF8.GetBytes($"# dirsync-end: records={records} sha256={hash}\n")];
    }

    /// <summary>The text before the trailer and the record count the trailer declares.</summary>
    public static (string Body, long Records) SplitTrailer(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var start = text.LastIndexOf("# dirsync-end:", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException("no trailer");
        }

        var trailer = text[start..].Replace("\n ", "", StringComparison.Ordinal);
        var records = long.Parse(RecordsPattern().Match(trailer).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (text[..start], records);
    }

    /// <summary>The 1-based line number of the first line that starts with <paramref name="prefix"/>.</summary>
    public static int LineOf(byte[] bytes, string prefix)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var index = Array.FindIndex(lines, l => l.StartsWith(prefix, StringComparison.Ordinal));
        return index < 0 ? throw new InvalidOperationException($"no line starts with '{prefix}'") : index + 1;
    }

    private static string Quote(string? text) => text is null ? "null" : JsonSerializer.Serialize(text);

    [GeneratedRegex("records=([0-9]+)")]
    private static partial Regex RecordsPattern();
}

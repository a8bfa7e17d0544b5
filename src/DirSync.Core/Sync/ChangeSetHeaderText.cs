using System.Globalization;
using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>The header and trailer of a change set as <c>key: value</c> comment lines, shared by every format.</summary>
public static class ChangeSetHeaderText
{
    /// <summary>The first line of every change set's header.</summary>
    public const string Banner = "DirSync change set. Do not edit: the last line checks every byte above it.";

    /// <summary>The key that marks a change set and gives its layout version.</summary>
    public const string MagicKey = "dirsync-changeset";

    /// <summary>The key of the trailer line.</summary>
    public const string EndKey = "dirsync-end";

    private static readonly string[] RequiredKeys =
        ["source-identity", "source-organization", "source-site", "source-server", "instance", "mode", "sequence", "usn-from", "usn-to", "created", "attributes"];

    /// <summary>The comment texts (without the comment marker) of a header, in order.</summary>
    public static IEnumerable<string> Lines(ChangeSetHeader header, Func<AttributeDefinition, string> spell)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(spell);
        yield return Banner;
        yield return $"{MagicKey}: {ChangeSetHeader.CurrentVersion}";
        yield return $"source-identity: {header.Source.Identity}";
        yield return $"source-organization: {header.Source.Organization}";
        yield return $"source-site: {header.Source.Site}";
        yield return $"source-server: {header.Source.Server}";
        yield return $"instance: {header.Instance}";
        yield return $"mode: {(header.Mode == ChangeSetMode.Full ? "full" : "incremental")}";
        yield return $"sequence: {header.Sequence.ToString(CultureInfo.InvariantCulture)}";
        yield return $"usn-from: {header.UsnFrom.ToString(CultureInfo.InvariantCulture)}";
        yield return $"usn-to: {header.UsnTo.ToString(CultureInfo.InvariantCulture)}";
        yield return $"created: {header.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
        yield return $"attributes: {(header.Attributes.Count == 0 ? "-" : string.Join(',', header.Attributes.Select(spell)))}";
        foreach (var (key, value) in header.Extensions.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (key.Length == 0 || key.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                || RequiredKeys.Contains(key) || key is MagicKey or EndKey)
            {
                throw new ArgumentException($"'{key}' cannot be a header extension key.", nameof(header));
            }

            if (value.Length == 0 || value.Any(char.IsControl) || value != value.Trim())
            {
                throw new ArgumentException($"The value of header extension '{key}' must be non-empty text on one line without surrounding spaces.", nameof(header));
            }

            yield return $"{key}: {value}";
        }
    }

    /// <summary>The trailer comment text.</summary>
    public static string Trailer(ChangeSetTrailer trailer)
    {
        ArgumentNullException.ThrowIfNull(trailer);
        var text = $"{EndKey}: records={trailer.Records.ToString(CultureInfo.InvariantCulture)} sha256={trailer.Sha256}";
        return trailer.Proof is null ? text : $"{text} proof={trailer.Proof}";
    }

    /// <summary>Splits a comment into key and value, or returns false when it is not <c>key: value</c>.</summary>
    public static bool TrySplit(string comment, out string key, out string value)
    {
        ArgumentNullException.ThrowIfNull(comment);
        var colon = comment.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0)
        {
            key = value = "";
            return false;
        }

        key = comment[..colon].Trim();
        value = comment[(colon + 2)..];
        return true;
    }

    /// <summary>Builds the header from the keys collected from a file's leading comments.</summary>
    /// <param name="values">The keys and values found.</param>
    /// <param name="error">Makes a format error at the header, for the reason given.</param>
    public static ChangeSetHeader Parse(IReadOnlyDictionary<string, string> values, Func<string, InputFormatException> error)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(error);
        if (!values.TryGetValue(MagicKey, out var version))
        {
            throw error($"not a DirSync change set: the header line 'dirsync-changeset' is missing (a file exported by '{CommandHints.RunAny()}' starts with it)");
        }

        if (version.Trim() != ChangeSetHeader.CurrentVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw error($"change set layout version '{version}' is not one this dirsync reads (it reads {ChangeSetHeader.CurrentVersion}); upgrade dirsync");
        }

        foreach (var key in RequiredKeys)
        {
            if (!values.ContainsKey(key))
            {
                throw error($"the change set header lacks '{key}'");
            }
        }

        var identity = Guid.TryParse(values["source-identity"], out var id) ? id : throw error($"source-identity '{values["source-identity"]}' is not a GUID");
        var mode = values["mode"] switch
        {
            "full" => ChangeSetMode.Full,
            "incremental" => ChangeSetMode.Incremental,
            var other => throw error($"mode '{other}' is neither full nor incremental"),
        };
        var created = DateTimeOffset.TryParse(values["created"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            ? when
            : throw error($"created '{values["created"]}' is not a time");
        var attributes = new List<AttributeDefinition>();
        var list = values["attributes"].Trim();
        foreach (var name in list == "-" ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!AttributeCatalog.TryGet(name, out var attribute) || attribute.Kind != AttributeKind.Descriptive)
            {
                throw error($"the header lists '{name}', which is not a descriptive attribute");
            }

            attributes.Add(attribute);
        }

        var extensions = values
            .Where(v => v.Key != MagicKey && !RequiredKeys.Contains(v.Key))
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return new ChangeSetHeader(
            new StoreInfo(identity, values["source-organization"], values["source-site"], values["source-server"], DateTimeOffset.UnixEpoch),
            values["instance"],
            mode,
            Number("sequence"),
            Number("usn-from"),
            Number("usn-to"),
            created,
            attributes)
        {
            Extensions = extensions,
        };

        long Number(string key) =>
            long.TryParse(values[key], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw error($"{key} '{values[key]}' is not a whole number");
    }

    /// <summary>Reads the trailer comment text, or throws when it is malformed.</summary>
    public static ChangeSetTrailer ParseTrailer(string value, Func<string, InputFormatException> error)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(error);
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3 || !parts[0].StartsWith("records=", StringComparison.Ordinal) || !parts[1].StartsWith("sha256=", StringComparison.Ordinal)
            || (parts.Length == 3 && !parts[2].StartsWith("proof=", StringComparison.Ordinal))
            || !long.TryParse(parts[0].AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var records))
        {
            throw error("the end marker is malformed; the file was edited or damaged");
        }

        return new ChangeSetTrailer(records, parts[1][7..], parts.Length == 3 ? parts[2][6..] : null);
    }
}

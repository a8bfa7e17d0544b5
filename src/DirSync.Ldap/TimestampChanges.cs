using System.Globalization;
using System.Runtime.CompilerServices;
using DirSync.Core.Connectors;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>The fallback for servers with neither RFC 4533 nor DirSync: modifyTimestamp, then an anchor reconcile.</summary>
/// <remarks>
/// Entries whose modifyTimestamp is at or after the last read's highest one, less a minute, are read again
/// (a rename or move changes it too); then the anchors of everything in scope are listed, and an entry
/// imported before but no longer listed is deleted. The minute of overlap covers entries changed while
/// the last read ran; reading them twice changes nothing.
/// </remarks>
internal sealed class TimestampChanges : IDirectoryChanges
{
    private const string Format = "yyyyMMddHHmmss'Z'";
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    private readonly EntryReader _reader;
    private readonly string? _cookie;
    private HashSet<Guid>? _present;

    public TimestampChanges(EntryReader reader, string? cookie)
    {
        _reader = reader;
        _cookie = cookie;
        Mode = cookie is null ? ChangeSetMode.Full : ChangeSetMode.Incremental;
    }

    public ChangeSetMode Mode { get; }

    public IReadOnlySet<Guid>? Present => _present;

    public string? Cookie { get; private set; }

    public async IAsyncEnumerable<ChangeRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var since = _cookie is null ? (DateTimeOffset?)null : DateTimeOffset.ParseExact(_cookie, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var filter = since is { } s
            ? LdapFilter.And(_reader.Filter, LdapFilter.Parse($"(modifyTimestamp>={(s - Overlap).UtcDateTime.ToString(Format, CultureInfo.InvariantCulture)})"))
            : _reader.Filter;
        var highest = since ?? DateTimeOffset.UnixEpoch;
        var kind = since is null ? ChangeKind.Add : ChangeKind.Modify;
        await foreach (var entry in _reader.Guard(_reader.Session.PagedSearchAsync(_reader.BaseDn, SearchScope.Subtree, filter, [.. _reader.Mapper.ImportAttributes, "modifyTimestamp"], cancellationToken), cancellationToken))
        {
            if (ParseTime(entry.GetString("modifyTimestamp")) is { } changed && changed > highest)
            {
                highest = changed;
            }

            if (_reader.ToRecord(entry, kind) is { } record)
            {
                yield return record;
            }
        }

        _present = since is null ? [] : await _reader.AnchorsAsync(cancellationToken);
        Cookie = "timestamp:" + highest.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset? ParseTime(string? text)
    {
        if (text is null || text.Length < 14)
        {
            return null;
        }

        // Generalized time: the seconds are enough, whatever fraction or zone follows.
        return DateTimeOffset.TryParseExact(text[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
    }
}

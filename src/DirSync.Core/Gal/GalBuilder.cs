using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Gal;

/// <summary>Rebuilds the Global Address List from every live recipient and swaps it in whole, as MS Mail's <c>REBUILD -F</c> did.</summary>
/// <remarks>
/// Recipients are read as a stream and not kept; the entries are sorted in memory, packed: per entry a 32-byte
/// row, 8 bytes of ordering arrays, and the UTF-8 display name, alias and address with the sort key (about a
/// byte per character): some 115 bytes for a typical entry, 120 MB at a million (measured: a 128 MB GC heap
/// and a 270 MB process at peak). A display name given a suffix adds its own key and name, about 70 bytes.
/// </remarks>
public sealed class GalBuilder
{
    /// <summary>The event code logged for a rebuild (the original's rebuild errors are 201 to 204).</summary>
    public const int RebuiltEventCode = 200;

    /// <summary>The setting that holds the last <see cref="GalBuild"/>.</summary>
    public const string BuiltKey = "gal.built";

    private const CompareOptions Options = CompareOptions.IgnoreCase;

    private readonly TimeProvider _time;

    /// <summary>Creates a builder that stamps its event with <paramref name="time"/> (default: the system clock).</summary>
    public GalBuilder(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Told how many recipients have been read so far, as a rebuild goes (a progress indicator); may be null.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>When the GAL was last rebuilt; null when no rebuild was recorded (never, or before DirSync kept the record).</summary>
    public static async Task<GalBuild?> LastBuildAsync(IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var json = await reader.GetSettingAsync(BuiltKey, cancellationToken);
        try
        {
            return StoredJson.Deserialize<GalBuild>(BuiltKey, json);
        }
        catch (Exception e) when (e is JsonException or DirSyncException)
        {
            return null;
        }
    }

    /// <summary>Rebuilds the GAL of <paramref name="store"/> in one transaction and logs event <see cref="RebuiltEventCode"/> in it.</summary>
    /// <remarks>
    /// Entries are ordered by display name under <paramref name="culture"/> (default: invariant), ignoring case;
    /// names that compare equal keep their tie order (postoffice, then alias, ordinal) and all but the first are
    /// shown with <c>001</c>, <c>002</c> ... appended, skipping any suffixed name another entry already has.
    /// The recipients themselves are not changed.
    /// </remarks>
    /// <param name="store">The directory whose GAL is rebuilt.</param>
    /// <param name="localPostoffice">The postoffice shown for recipients made here (see <c>HubSettings.LocalPostofficeAsync</c>).</param>
    /// <param name="culture">The culture whose ordering the GAL follows.</param>
    /// <param name="cancellationToken">Cancels the rebuild; the previous GAL stays.</param>
    public async Task<GalRebuildResult> RebuildAsync(
        IDirectoryStore store,
        string localPostoffice,
        CultureInfo? culture = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(localPostoffice);
        var compareInfo = (culture ?? CultureInfo.InvariantCulture).CompareInfo;

        // Read without holding the write lock, so writers go on meanwhile; if one committed before the lock was
        // taken, the list is read again under the lock: the GAL committed is always that of the store it replaces.
        var usn = await store.GetHighestUsnAsync(cancellationToken);
        var (buffer, order, suffixed) = await BuildAsync(store, localPostoffice, compareInfo, Progress, cancellationToken);
        FaultPoints.Hit("gal.listed");
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        if (await transaction.GetHighestUsnAsync(cancellationToken) != usn)
        {
            // The first reading goes before the second is made: two of them at a million would double the peak.
            buffer = null!;
            (buffer, order, suffixed) = await BuildAsync(transaction, localPostoffice, compareInfo, Progress, cancellationToken);
        }

        await transaction.ReplaceGalAsync(EntriesAsync(buffer, order, cancellationToken), cancellationToken);
        var built = new GalBuild(await transaction.GetHighestUsnAsync(cancellationToken), _time.GetUtcNow(), order.Length);
        await transaction.SetSettingAsync(BuiltKey, StoredJson.Serialize(built), cancellationToken);
        await transaction.AppendEventAsync(
            new EventRecord(0, _time.GetUtcNow(), RebuiltEventCode, EventSeverity.Information, $"GAL rebuilt: {order.Length} entries, {suffixed.Count} renamed"),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new GalRebuildResult(order.Length, suffixed.Count);
    }

    private static async Task<(GalEntryBuffer Buffer, int[] Order, List<int> Suffixed)> BuildAsync(
        IDirectoryReader reader, string localPostoffice, CompareInfo compareInfo, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var buffer = new GalEntryBuffer(compareInfo, Options);
        long read = 0;
        await foreach (var value in reader.ListAsync(RecipientFilter.All, cancellationToken))
        {
            progress?.Report(++read);
            buffer.Add(value.Guid, value.Class, value.DisplayName, value.Alias, AddressOf(value), value.Origin?.ImportedFrom ?? localPostoffice);
        }

        var order = buffer.Sort();
        cancellationToken.ThrowIfCancellationRequested();
        var suffixed = FindSuffixes(buffer, order);
        return (buffer, Merge(buffer, order, suffixed), suffixed);
    }

    /// <summary>The address mail to a recipient uses: a custom recipient's target, else the primary SMTP address, else the first primary one.</summary>
    internal static string AddressOf(DirectoryObject value)
    {
        var address = value.TargetAddress
            ?? value.GetPrimaryAddress("SMTP")
            ?? value.ProxyAddresses.FirstOrDefault(p => p.IsPrimary);

        // Always the upper-case type: the GAL shows where mail goes, not whether the address was stored as primary.
        return address is null ? "" : address.Type + ":" + address.Address;
    }

    /// <summary>The suffixed items for the rows that tie with an earlier one, in tie order.</summary>
    private static List<int> FindSuffixes(GalEntryBuffer buffer, int[] order)
    {
        var suffixed = new List<int>();
        var given = new HashSet<int>(buffer.KeyEquality);
        var name = new char[64];
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && buffer.Key(order[start]).SequenceEqual(buffer.Key(order[end])))
            {
                end++;
            }

            var suffix = 0;
            for (var i = start + 1; i < end; i++)
            {
                // The name and up to ten digits of suffix are composed in one reused buffer: no string per candidate.
                var bytes = buffer.DisplayName(order[i]);
                var needed = Encoding.UTF8.GetMaxCharCount(bytes.Length) + 10;
                if (name.Length < needed)
                {
                    name = new char[needed];
                }

                var length = Encoding.UTF8.GetChars(bytes, name);
                int item;
                while (true)
                {
                    suffix++;
                    suffix.TryFormat(name.AsSpan(length), out var digits, "000", CultureInfo.InvariantCulture);
                    item = buffer.AddSuffixed(order[i], name.AsSpan(0, length + digits));
                    if (!given.Contains(item) && !Exists(buffer, order, buffer.Key(item)))
                    {
                        break;
                    }

                    buffer.RemoveLastSuffixed();
                }

                given.Add(item);
                suffixed.Add(item);
            }

            start = end;
        }

        return suffixed;
    }

    /// <summary>True when some entry's own display name has <paramref name="key"/>: a binary search of the sorted entries.</summary>
    private static bool Exists(GalEntryBuffer buffer, int[] order, ReadOnlySpan<byte> key)
    {
        var low = 0;
        var high = order.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var result = buffer.Key(order[middle]).SequenceCompareTo(key);
            if (result == 0)
            {
                return true;
            }

            if (result < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }

    /// <summary>The final order, by the names as shown: the suffixed items take the place of their rows.</summary>
    /// <remarks>Only the suffixed items move, so they are sorted alone and merged back: linear, where a second full sort would not be.</remarks>
    private static int[] Merge(GalEntryBuffer buffer, int[] order, List<int> suffixed)
    {
        if (suffixed.Count == 0)
        {
            return order;
        }

        var moved = suffixed.ToArray();
        var isMoved = new bool[buffer.Count];
        foreach (var item in moved)
        {
            isMoved[buffer.RowOf(item)] = true;
        }

        Array.Sort(moved, buffer.Compare);
        var result = new int[order.Length];
        var next = 0;
        var m = 0;
        foreach (var row in order)
        {
            if (isMoved[row])
            {
                continue;
            }

            while (m < moved.Length && buffer.Compare(moved[m], row) < 0)
            {
                result[next++] = moved[m++];
            }

            result[next++] = row;
        }

        while (m < moved.Length)
        {
            result[next++] = moved[m++];
        }

        return result;
    }

    private static async IAsyncEnumerable<GalEntry> EntriesAsync(GalEntryBuffer buffer, int[] order, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < order.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return buffer.ToEntry(order[i], i + 1);
        }

        await Task.CompletedTask;
    }
}

using System.Globalization;
using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>
/// When a write transaction becomes a load, and what it then knows is free: the <see cref="KeyFilter"/> of one
/// transaction, shared by every backend so that each rules out the same questions at the same moment.
/// </summary>
/// <remarks>
/// <para>A transaction counts its adds. From <see cref="DefaultAfterAdds"/> adds on (and only if it has added at least a
/// fifth of what the store holds, so that reading every key once costs no more than the questions it saves), the
/// backend fills a filter with every key the store holds, and from then on tells it each object it writes. Each
/// question ("is this alias taken?") is first put to the filter; only what it cannot rule out is asked of the store.
/// A filter that fills past its size grows another layer (<see cref="KeyFilter.Grow"/>).</para>
/// <para>Nothing is written differently and no answer changes: a load and an ordinary transaction leave the same store
/// (a test imports one file both ways and compares).</para>
/// </remarks>
public sealed class LoadKeys
{
    private readonly long _minimumLayer;
    private long _adds;
    private long _nextCheck;

    /// <summary>Starts counting; a filter is considered after <paramref name="afterAdds"/> adds (0: never).</summary>
    /// <param name="afterAdds">After how many adds a filter is considered (0: never).</param>
    /// <param name="minimumLayer">The fewest keys a filter layer is sized for (2 MB at a million; tests make it small).</param>
    /// <param name="carried">
    /// The filter an earlier transaction of the same connection ended with, when the backend knows that nothing else has
    /// written the store since: the transaction is a load from its first question (see <see cref="Filter"/>).
    /// </param>
    public LoadKeys(int afterAdds, long minimumLayer = 1L << 20, KeyFilter? carried = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterAdds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumLayer);
        _nextCheck = afterAdds > 0 && carried is null ? afterAdds : long.MaxValue;
        _minimumLayer = minimumLayer;
        Filter = carried;
    }

    /// <summary>
    /// After how many adds a transaction considers a filter: 10,000, or what the environment variable
    /// <c>DIRSYNC_KEY_FILTER_AFTER</c> says (0: never; the crash harness kills imports with 1, so the load path is the one killed).
    /// </summary>
    public static int DefaultAfterAdds { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("DIRSYNC_KEY_FILTER_AFTER"), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 10_000;

    /// <summary>The filter, once the transaction is a load.</summary>
    /// <remarks>
    /// A filter stays true after its transaction: it only ever says "maybe" too often. Keys a rolled-back write added, or
    /// that an update or delete let go of, are held still and send their questions to the store, which answers them. So a
    /// backend may hand it to the connection's next transaction (the hub commits every few seconds of a long receive),
    /// provided no other connection has written in between: a key written elsewhere would be ruled out wrongly.
    /// </remarks>
    public KeyFilter? Filter { get; private set; }

    /// <summary>Counts an add of <paramref name="value"/> (already written); builds the filter when it is time.</summary>
    /// <param name="value">The object just added.</param>
    /// <param name="countLive">Counts the store's live objects (this transaction's included).</param>
    /// <param name="fill">Adds every key the store holds to the filter given (this transaction's writes included).</param>
    /// <param name="firstLoad">
    /// Asked, when it is time and every live object is one this transaction added, whether the backend takes the load
    /// over itself (a first load, which answers its questions without a filter); true ends the counting.
    /// </param>
    public async ValueTask AddedAsync(
        DirectoryObject value, Func<ValueTask<long>> countLive, Func<KeyFilter, ValueTask> fill, Func<ValueTask<bool>>? firstLoad = null)
    {
        ArgumentNullException.ThrowIfNull(countLive);
        ArgumentNullException.ThrowIfNull(fill);
        Remember(value);
        if (Filter is not null || ++_adds < _nextCheck)
        {
            return;
        }

        _nextCheck = _adds * 2;
        var live = await countLive();
        if (firstLoad is not null && live == _adds && await firstLoad())
        {
            _nextCheck = long.MaxValue;
            return;
        }

        if (live - _adds > 4 * _adds)
        {
            return;
        }

        // Sized for four times the keys held now: about five an object (alias, display name, origin, two addresses).
        var filter = new KeyFilter(Math.Max(_minimumLayer, live * 5 * 4));
        await fill(filter);
        Filter = filter;
    }

    /// <summary>Tells the filter, if there is one, what <paramref name="value"/> now holds (after an add or an update).</summary>
    /// <remarks>
    /// A filter whose newest layer is full gets a layer for as many keys as it holds (rounded up to a power of two of
    /// blocks), so the layers number about log₂ of the keys and take 16 to 32 bits a key held, never re-reading the
    /// store (a filter built again, larger, would: reading every key of a large store again, with both filters in memory
    /// while it does).
    /// </remarks>
    public void Remember(DirectoryObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Filter is not { } filter)
        {
            return;
        }

        filter.Add(KeyFilter.Kind.Alias, value.Alias.ToUpperInvariant());
        filter.Add(KeyFilter.Kind.DisplayName, value.DisplayName.ToUpperInvariant());
        foreach (var proxy in value.ProxyAddresses)
        {
            filter.Add(KeyFilter.Kind.Address, proxy.Key);
        }

        if (value.Origin is { } origin)
        {
            filter.AddOrigin(origin.Source, origin.Anchor);
        }

        if (filter.IsFull)
        {
            filter.Grow(Math.Max(_minimumLayer, filter.Count));
        }
    }

    /// <summary>True when no live object certainly holds the alias (any case).</summary>
    public bool RulesOutAlias(string alias) => Filter is { } filter && !filter.MayContain(KeyFilter.Kind.Alias, alias.ToUpperInvariant());

    /// <summary>True when no live object certainly holds the display name (any case).</summary>
    public bool RulesOutDisplayName(string displayName) =>
        Filter is { } filter && !filter.MayContain(KeyFilter.Kind.DisplayName, displayName.ToUpperInvariant());

    /// <summary>True when no live object certainly holds the address.</summary>
    public bool RulesOutAddress(ProxyAddress address) => Filter is { } filter && !filter.MayContain(KeyFilter.Kind.Address, address.Key);

    /// <summary>True when no live object certainly came from <paramref name="source"/> with <paramref name="anchor"/>.</summary>
    public bool RulesOutOrigin(string source, Guid anchor) => Filter is { } filter && !filter.MayContainOrigin(source, anchor);
}

using System.Globalization;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Tests.Storage;

/// <summary>When a transaction's key filter is built, and how it grows: once from the store, then by layers, never re-reading.</summary>
public sealed class LoadKeysTests
{
    private static DirectoryObject Recipient(int i) =>
        new(Guid.NewGuid(), ObjectClass.CustomRecipient, string.Create(CultureInfo.InvariantCulture, $"user{i}"), DirectoryPath.Recipients)
        {
            DisplayName = string.Create(CultureInfo.InvariantCulture, $"User {i}"),
            ProxyAddresses = { ProxyAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"SMTP:user{i}@example.net")) },
            Origin = new ObjectOrigin("site9/INSTANCE1", Guid.NewGuid(), "Testorg/Site9/Server9 (INSTANCE1)"),
        };

    [Fact]
    public async Task TheFilterIsFilledOnce_ThenGrowsByLayers_AndHoldsEveryKeyItWasTold()
    {
        var keys = new LoadKeys(afterAdds: 10, minimumLayer: 64);
        var added = new List<DirectoryObject>();
        var fills = 0;
        long live = 0;
        ValueTask<long> CountLive() => ValueTask.FromResult(live);
        ValueTask Fill(KeyFilter filter)
        {
            fills++;
            foreach (var value in added)
            {
                filter.Add(KeyFilter.Kind.Alias, value.Alias.ToUpperInvariant());
                filter.Add(KeyFilter.Kind.DisplayName, value.DisplayName.ToUpperInvariant());
                filter.Add(KeyFilter.Kind.Address, value.ProxyAddresses[0].Key);
                filter.AddOrigin(value.Origin!.Source, value.Origin.Anchor);
            }

            return ValueTask.CompletedTask;
        }

        for (var i = 0; i < 2_000; i++)
        {
            var value = Recipient(i);
            added.Add(value);
            live++;
            await keys.AddedAsync(value, CountLive, Fill);
            Assert.Equal(i >= 9, keys.Filter is not null);
        }

        // Filled once at the tenth add (sized for 4 × 5 keys of 10 objects, 200, rounded up to a power of two of blocks: 256),
        // then grown: each new layer for as many keys as the filter held when its newest filled, rounded up to a power of two
        // of blocks (260 → 256, 520 → 512, 1,036 → 1,024, 2,064 → 4,096, 6,164 → 8,192). 8,000 keys told, four of each object.
        var filter = keys.Filter!;
        Assert.Equal(1, fills);
        Assert.Equal(8_000, filter.Count);
        Assert.Equal(6, filter.Layers);
        Assert.Equal(256 + 256 + 512 + 1_024 + 4_096 + 8_192, filter.Capacity);
        Assert.False(filter.IsFull);

        Assert.All(added, value =>
        {
            Assert.False(keys.RulesOutAlias(value.Alias.ToLowerInvariant()));
            Assert.False(keys.RulesOutDisplayName(value.DisplayName));
            Assert.False(keys.RulesOutAddress(value.ProxyAddresses[0]));
            Assert.False(keys.RulesOutOrigin(value.Origin!.Source, value.Origin.Anchor));
        });

        var ruledOut = Enumerable.Range(2_000, 1_000).Count(i => keys.RulesOutAlias(string.Create(CultureInfo.InvariantCulture, $"user{i}")));
        Assert.InRange(ruledOut, 980, 1_000);
    }

    [Fact]
    public async Task AnUpdateTellsTheFilter_AndCanGrowIt()
    {
        var keys = new LoadKeys(afterAdds: 1, minimumLayer: 8);
        var first = Recipient(0);
        await keys.AddedAsync(first, () => ValueTask.FromResult(1L), filter =>
        {
            filter.Add(KeyFilter.Kind.Alias, "USER0");
            return ValueTask.CompletedTask;
        });

        // One block (16 keys): the store's one key, then four keys an update; the fourth update overfills it.
        Assert.Equal(16, keys.Filter!.Capacity);
        for (var i = 1; i <= 5; i++)
        {
            var renamed = first.Clone();
            renamed.DisplayName = string.Create(CultureInfo.InvariantCulture, $"Renamed {i}");
            keys.Remember(renamed);
            Assert.False(keys.RulesOutDisplayName(renamed.DisplayName.ToLowerInvariant()));
        }

        Assert.Equal(21, keys.Filter.Count);
        Assert.Equal(2, keys.Filter.Layers);
        Assert.Equal(16 + 16, keys.Filter.Capacity);
    }
}

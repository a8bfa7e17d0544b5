using System.Globalization;
using System.Text;
using DirSync.Core.Storage;

namespace DirSync.Tests.Storage;

public sealed class KeyFilterTests
{
    private static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"SMTP:PERSON{i}@SITE1.TESTORG.COM");

    [Fact]
    public void EveryKeyAdded_IsReportedAsPossiblyHeld()
    {
        var filter = new KeyFilter(200_000);
        for (var i = 0; i < 200_000; i++)
        {
            filter.Add(KeyFilter.Kind.Address, Key(i));
        }

        var missed = Enumerable.Range(0, 200_000).Count(i => !filter.MayContain(KeyFilter.Kind.Address, Key(i)));
        Assert.Equal(0, missed);
        Assert.Equal(200_000, filter.Count);
        Assert.False(filter.IsFull);
    }

    [Fact]
    public void KeysNeverAdded_AreRuledOutAllButAboutOneInAThousand()
    {
        var filter = new KeyFilter(200_000);
        for (var i = 0; i < 200_000; i++)
        {
            filter.Add(KeyFilter.Kind.Address, Key(i));
        }

        // Full to its capacity, the filter still rules out at least 998 of 1,000 keys it never saw.
        var falsePositives = Enumerable.Range(200_000, 200_000).Count(i => filter.MayContain(KeyFilter.Kind.Address, Key(i)));
        Assert.InRange(falsePositives, 0, 400);
    }

    [Fact]
    public void TheSameTextOfAnotherKind_IsADifferentKey()
    {
        var filter = new KeyFilter(10_000);
        for (var i = 0; i < 10_000; i++)
        {
            filter.Add(KeyFilter.Kind.Alias, Key(i));
        }

        Assert.True(filter.MayContain(KeyFilter.Kind.Alias, Key(17)));
        var crossed = Enumerable.Range(0, 10_000).Count(i => filter.MayContain(KeyFilter.Kind.DisplayName, Key(i)));
        Assert.InRange(crossed, 0, 20);
    }

    [Fact]
    public void AKeyReadBackAsUtf8_IsTheKeyAddedAsText()
    {
        var filter = new KeyFilter(1_000);
        filter.AddUtf8(KeyFilter.Kind.DisplayName, Encoding.UTF8.GetBytes("JÜRGEN MÜLLER 山田"));
        filter.AddOriginUtf8(Encoding.UTF8.GetBytes("a1b2/INSTANCE1"), new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff").ToByteArray(bigEndian: true));

        Assert.True(filter.MayContain(KeyFilter.Kind.DisplayName, "JÜRGEN MÜLLER 山田"));
        Assert.False(filter.MayContain(KeyFilter.Kind.DisplayName, "JURGEN MULLER 山田"));
        Assert.True(filter.MayContainOrigin("a1b2/INSTANCE1", new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff").ToByteArray(bigEndian: true)));
        Assert.False(filter.MayContainOrigin("a1b2/INSTANCE2", new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff").ToByteArray(bigEndian: true)));
    }

    [Fact]
    public void AFilterHoldingMoreThanItWasSizedFor_SaysItIsFull()
    {
        var filter = new KeyFilter(100);
        Assert.Equal(128, filter.Capacity);
        for (var i = 0; i <= 128; i++)
        {
            Assert.False(filter.IsFull);
            filter.Add(KeyFilter.Kind.Alias, Key(i));
        }

        Assert.True(filter.IsFull);
    }

    [Fact]
    public void AGrownFilter_HoldsEveryLayersKeys_AndRulesOutWhatNoLayerHolds()
    {
        var filter = new KeyFilter(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            filter.Add(KeyFilter.Kind.Address, Key(i));
        }

        filter.Grow(200_000);
        Assert.Equal(2, filter.Layers);
        Assert.Equal(131_072 + 262_144, filter.Capacity);
        Assert.Equal((131_072 + 262_144) * 2, filter.Bytes);
        Assert.False(filter.IsFull);
        for (var i = 100_000; i < 300_000; i++)
        {
            filter.Add(KeyFilter.Kind.Address, Key(i));
        }

        Assert.Equal(300_000, filter.Count);
        Assert.Equal(0, Enumerable.Range(0, 300_000).Count(i => !filter.MayContain(KeyFilter.Kind.Address, Key(i))));

        // Each layer says "perhaps" to about one in 1,000 keys it never saw; two layers, about two in 1,000.
        var falsePositives = Enumerable.Range(300_000, 200_000).Count(i => filter.MayContain(KeyFilter.Kind.Address, Key(i)));
        Assert.InRange(falsePositives, 1, 800);
    }

    [Fact]
    public void AGrownFilter_IsFullWhenItsNewestLayerIs()
    {
        var filter = new KeyFilter(100);
        for (var i = 0; i <= 128; i++)
        {
            filter.Add(KeyFilter.Kind.Alias, Key(i));
        }

        Assert.True(filter.IsFull);
        filter.Grow(100);
        Assert.False(filter.IsFull);
        for (var i = 129; i <= 257; i++)
        {
            Assert.False(filter.IsFull);
            filter.Add(KeyFilter.Kind.Alias, Key(i));
        }

        Assert.True(filter.IsFull);
        Assert.Equal(256, filter.Capacity);
        Assert.True(filter.MayContain(KeyFilter.Kind.Alias, Key(3)));
        Assert.True(filter.MayContain(KeyFilter.Kind.Alias, Key(200)));
    }
}

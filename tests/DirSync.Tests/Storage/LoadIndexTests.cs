using System.Globalization;
using DirSync.Core.Storage;

namespace DirSync.Tests.Storage;

/// <summary>The first load's index of row numbers: every row that holds a key is a candidate, and almost no other.</summary>
public sealed class LoadIndexTests
{
    private static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"SMTP:PERSON{i}@SITE1.TESTORG.COM");

    private static List<uint> Rows(LoadIndex.Candidates candidates)
    {
        var rows = new List<uint>();
        foreach (var row in candidates)
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public void EveryRowAdded_IsACandidateForItsKey_ThroughEveryGrowth()
    {
        using var index = new LoadIndex();
        var model = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
        var bytesAtStart = index.Bytes;

        // 300,000 keys grow each of the 256 parts from 1,024 slots several times; every 7th key is held by a second row,
        // as a display name two recipients share.
        for (var i = 0; i < 300_000; i++)
        {
            var rows = new List<uint> { (uint)i };
            if (i % 7 == 0)
            {
                rows.Add((uint)(i + 1_000_000));
            }

            foreach (var row in rows)
            {
                index.Add(KeyFilter.Kind.DisplayName, Key(i), row);
            }

            model[Key(i)] = rows;
        }

        Assert.Equal(300_000 + 42_858, index.Count);
        var strangers = 0;
        foreach (var (key, rows) in model)
        {
            var found = Rows(index.Find(KeyFilter.Kind.DisplayName, key));
            Assert.Subset(found.ToHashSet(), rows.ToHashSet());
            strangers += found.Count - rows.Count;
        }

        // A stranger needs two keys of one part with the same 32 hash bits: about one in 10^5 here.
        Assert.InRange(strangers, 0, 3);
        Assert.Equal(256 * 1024 * 8, bytesAtStart);

        // 85 % full at most, and grown by a quarter at a time (so 68 % full at least): between 9.4 and 11.8 bytes a key.
        Assert.InRange(index.Bytes, index.Count * 8 * 20 / 17, index.Count * 8 * 25 / 17);
    }

    [Fact]
    public void KeysNeverAdded_AndOtherKinds_HaveAlmostNoCandidate()
    {
        using var index = new LoadIndex();
        for (var i = 0; i < 200_000; i++)
        {
            index.Add(KeyFilter.Kind.Address, Key(i), (uint)i);
        }

        var strangers = Enumerable.Range(200_000, 200_000).Sum(i => Rows(index.Find(KeyFilter.Kind.Address, Key(i))).Count);
        var otherKind = Enumerable.Range(0, 200_000).Sum(i => Rows(index.Find(KeyFilter.Kind.Alias, Key(i))).Count);

        // Each is one in about 20,000 (200,000 keys in 256 parts, 32 bits compared): 10 expected at most.
        Assert.InRange(strangers, 0, 10);
        Assert.InRange(otherKind, 0, 10);
    }

    [Fact]
    public void Origins_AreFoundBySourceAndAnchorTogether()
    {
        using var index = new LoadIndex();
        var anchors = Enumerable.Range(0, 1000).Select(i => new Guid(i, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8)).ToList();
        for (var i = 0; i < anchors.Count; i++)
        {
            index.AddOrigin("site9/INSTANCE1", anchors[i], (uint)i);
        }

        Assert.Equal([7u], Rows(index.FindOrigin("site9/INSTANCE1", anchors[7])));
        Assert.Empty(Rows(index.FindOrigin("site8/INSTANCE1", anchors[7])));
        Assert.Empty(Rows(index.FindOrigin("site9/INSTANCE1", Guid.Empty)));

        // Its memory is freed; it answers nothing after.
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.FindOrigin("site9/INSTANCE1", anchors[7]));
        Assert.Throws<ObjectDisposedException>(() => index.AddOrigin("site9/INSTANCE1", anchors[7], 7));
    }
}

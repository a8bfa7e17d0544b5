using DirSync.Core.Sync;

namespace DirSync.Tests.Sync;

/// <summary>The sorted set a full import collects its file's anchors in: the same answers as a hash set of the same anchors.</summary>
public sealed class AnchorSetTests
{
    private static Guid G(int i) => new(i, (short)(i >> 3), (short)(i * 7), 1, 2, 3, 4, 5, 6, 7, (byte)i);

    [Fact]
    public void ABuiltSet_HoldsWhatWasAdded_OnceEach_AndNothingElse()
    {
        var builder = new AnchorSet.Builder(expected: 4);
        var added = new List<Guid>();
        var random = new Random(17);
        for (var i = 0; i < 10_000; i++)
        {
            var anchor = i % 10 == 9 ? added[random.Next(added.Count)] : Guid.NewGuid();
            added.Add(anchor);
            builder.Add(anchor);
        }

        Assert.Equal(10_000, builder.Count);
        var set = builder.Build();
        var expected = added.ToHashSet();
        Assert.Equal(9_000, expected.Count);
        Assert.Equal(expected.Count, set.Count);
        Assert.All(added, anchor => Assert.True(set.Contains(anchor)));
        Assert.Equal(0, Enumerable.Range(0, 1_000).Count(_ => set.Contains(Guid.NewGuid())));
        Assert.True(expected.SetEquals(set));
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void AnEmptyBuilder_BuildsTheEmptySet()
    {
        var set = new AnchorSet.Builder().Build();
        Assert.Empty(set);
        Assert.False(set.Contains(Guid.Empty));
        Assert.Empty(AnchorSet.Empty);
    }

    [Fact]
    public void ExactlyTheExpectedCount_GrowsNothing_AndBuildsFromTheSameArray()
    {
        var builder = new AnchorSet.Builder(expected: 3);
        builder.Add(G(3));
        builder.Add(G(1));
        builder.Add(G(2));
        var set = builder.Build();
        Assert.Equal(3, set.Count);
        Assert.Equal(new HashSet<Guid> { G(1), G(2), G(3) }, set.ToHashSet());
        Assert.True(set.Contains(G(2)));
        Assert.False(set.Contains(G(4)));
    }

    public static TheoryData<int[], int[]> Pairs => new()
    {
        { [1, 2, 3], [1, 2, 3] },
        { [1, 2, 3], [3, 2, 1, 1] },
        { [1, 2], [1, 2, 3] },
        { [1, 2, 3], [1, 2] },
        { [1, 2, 3], [4, 5] },
        { [1, 2, 3], [3, 4] },
        { [], [] },
        { [], [1] },
        { [1], [] },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void SetComparisons_AnswerAsAHashSetDoes(int[] mine, int[] theirs)
    {
        var set = AnchorSet.Of(mine.Select(G));
        var hash = mine.Select(G).ToHashSet();
        var other = theirs.Select(G).ToList();

        Assert.Equal(hash.SetEquals(other), set.SetEquals(other));
        Assert.Equal(hash.IsSubsetOf(other), set.IsSubsetOf(other));
        Assert.Equal(hash.IsSupersetOf(other), set.IsSupersetOf(other));
        Assert.Equal(hash.IsProperSubsetOf(other), set.IsProperSubsetOf(other));
        Assert.Equal(hash.IsProperSupersetOf(other), set.IsProperSupersetOf(other));
        Assert.Equal(hash.Overlaps(other), set.Overlaps(other));
        Assert.Equal(hash.Count, set.Count);
    }
}

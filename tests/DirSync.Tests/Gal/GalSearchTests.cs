using DirSync.Core;
using System.Globalization;
using DirSync.Core.Gal;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Gal;

public sealed class GalSearchTests : IAsyncLifetime
{
    private GalTestStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await GalTestStore.CreateAsync();
        await _store.AddNamesAsync("Mullins", "Müller", "Adams", "Mueller", "Muller", "MULLER", "Zoë Brandt", "Team🚀", "Teamwork");
        await _store.RebuildAsync();
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Theory]
    [InlineData("Müller", "muller")]
    [InlineData("JOHN Smith", "john smith")]
    [InlineData("ÉLODIE Ångström", "elodie angstrom")]
    [InlineData("Zoë", "zoe")]
    [InlineData("İpek", "ipek")]
    [InlineData("Straße", "straße")]
    [InlineData("Ærø Łódź", "ærø łodz")]
    [InlineData("한국 Team", "한국 team")]
    [InlineData("Team🚀", "team🚀")]
    [InlineData("", "")]
    public void Fold_Name_IsLowerCaseWithoutDiacritics(string text, string expected)
    {
        Assert.Equal(expected, GalSearch.Fold(text));
    }

    [Fact]
    public void Fold_DecomposedInput_MatchesComposedInput()
    {
        Assert.Equal("muller", GalSearch.Fold("Mu\u0308ller"));
    }

    [Theory]
    [InlineData("mull")]
    [InlineData("MÜLL")]
    [InlineData("Mull")]
    public async Task Search_PrefixInAnyCaseWithOrWithoutAccents_FindsTheNamesInGalOrder(string prefix)
    {
        var found = await GalSearch.SearchAsync(_store.Store, prefix);

        Assert.Equal(["Muller", "Müller", "MULLER001", "Mullins"], found.Select(e => e.DisplayName));
    }

    [Fact]
    public async Task Search_Limit_ReturnsTheFirstEntriesInGalOrder()
    {
        var found = await GalSearch.SearchAsync(_store.Store, "m", limit: 2);

        Assert.Equal([("Mueller", 2L), ("Muller", 3L)], found.Select(e => (e.DisplayName, e.Rank)));
    }

    [Fact]
    public async Task Search_NameContinuingWithAnEmoji_IsFound()
    {
        var found = await GalSearch.SearchAsync(_store.Store, "team");

        Assert.Equal(["Team🚀", "Teamwork"], found.Select(e => e.DisplayName));
    }

    [Fact]
    public async Task Search_NoMatch_ReturnsNothing()
    {
        Assert.Empty(await GalSearch.SearchAsync(_store.Store, "q"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u0301")]
    public async Task Search_NothingToSearchFor_IsAnInvalidValue(string prefix)
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() => GalSearch.SearchAsync(_store.Store, prefix));

        Assert.Equal("give at least one character to search for", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10001)]
    public async Task Search_LimitOutOfRange_IsAnInvalidValue(int limit)
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() => GalSearch.SearchAsync(_store.Store, "m", limit));

        Assert.Equal($"a search limit of {limit} is not valid; give a number from 1 to 10000", error.Message);
    }

    [Fact]
    public async Task Search_LargestLimit_IsAccepted()
    {
        Assert.Equal(5, (await GalSearch.SearchAsync(_store.Store, "m", 10000)).Count);
    }

    [Fact]
    public void SearchGalQuery_Plan_PicksRanksFromTheSearchIndexAlone()
    {
        using var connection = new SqliteConnection($"Data Source={_store.Path};Mode=ReadOnly;Pooling=False");
        connection.Open();

        var plan = SqliteRows.Plan(connection, SqliteDirectoryReader.SearchGalSql, ("$from", "mull"), ("$to", "mull\U0010FFFF"), ("$limit", 50));

        Assert.Equal(
            [
                "SEARCH gal USING INTEGER PRIMARY KEY (rowid=?)",
                "LIST SUBQUERY 1",
                "SEARCH gal USING COVERING INDEX ix_gal_search (search_key>? AND search_key<?)",
                "USE TEMP B-TREE FOR ORDER BY",
            ],
            plan);
    }

    [Theory]
    [InlineData("m", 1)]
    [InlineData("mu", 2)]
    [InlineData("🚀", 1)]
    [InlineData("t🚀", 2)]
    [InlineData("mul", 0)]
    [InlineData("\ud83d", 0)]
    public void ShortKeyLength_CountsCharactersUpToTwo(string key, int expected)
    {
        Assert.Equal(expected, GalSearch.ShortKeyLength(key));
    }

    [Fact]
    public async Task Search_OneAndTwoCharacterKeys_FindWhatARangeOfTheSearchIndexFinds()
    {
        // The first-characters indexes answer keys of one or two characters; a range of the whole key answers the
        // rest. Both must give every entry whose key starts with the prefix, in GAL order, cut at the limit.
        await using var store = await GalTestStore.CreateAsync();
        await store.AddNamesAsync(
            "Mullins", "Müller", "Mueller", "muller", "Ma", "M", "Øster", "Ölander", "Olander", "🚀Launch", "🚀", "t🚀x", "T🚀",
            "𠀋Ext", "𠀋", "İpek", "ipek", "Ærø", "Ab", "A b", "a-b", "Zoë", "Zoe", "Zz");
        await store.RebuildAsync();
        var gal = new List<GalEntry>();
        await foreach (var entry in store.Store.ListGalAsync())
        {
            gal.Add(entry);
        }

        var prefixes = gal
            .SelectMany(e => new[] { e.SearchKey[..StringInfo.GetNextTextElementLength(e.SearchKey)], Runes(e.SearchKey, 1), Runes(e.SearchKey, 2) })
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("🚀", prefixes);
        Assert.Contains("t🚀", prefixes);
        foreach (var prefix in prefixes)
        {
            foreach (var limit in new[] { 1, 2, 50 })
            {
                var expected = gal.Where(e => e.SearchKey.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(e => e.Rank).Take(limit).Select(e => e.Rank);

                var found = await store.Store.SearchGalAsync(prefix, limit);

                Assert.True(expected.SequenceEqual(found.Select(e => e.Rank)), $"'{prefix}' limit {limit}: [{string.Join(", ", found.Select(e => e.Rank))}]");
            }
        }
    }

    [Fact]
    public void SearchGalQuery_OneCharacter_ReadsItsFirstRanksInOrderFromTheFirstCharacterIndex()
    {
        using var connection = new SqliteConnection($"Data Source={_store.Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        foreach (var (length, key) in new[] { (1, "m"), (2, "mu") })
        {
            var plan = SqliteRows.Plan(connection, SqliteDirectoryReader.SearchGalFirstSql[length - 1], ("$from", key), ("$limit", 50));

            Assert.Equal(
                [
                    "SEARCH gal USING INTEGER PRIMARY KEY (rowid=?)",
                    "LIST SUBQUERY 1",
                    $"SEARCH gal USING COVERING INDEX ix_gal_first{length} (<expr>=?)",
                    "CREATE BLOOM FILTER",
                ],
                plan);
        }
    }

    private static string Runes(string text, int count)
    {
        var end = 0;
        for (var i = 0; i < count && end < text.Length; i++)
        {
            end += char.IsSurrogatePair(text, end) ? 2 : 1;
        }

        return text[..end];
    }
}

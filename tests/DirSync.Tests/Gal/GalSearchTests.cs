using DirSync.Core;
using DirSync.Core.Gal;
using DirSync.Sqlite;
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
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteDirectoryReader.SearchGalSql;
        command.Parameters.AddWithValue("$from", "mull");
        command.Parameters.AddWithValue("$to", "mull\U0010FFFF");
        command.Parameters.AddWithValue("$limit", 50);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Equal(
            [
                "SEARCH gal USING INTEGER PRIMARY KEY (rowid=?)",
                "LIST SUBQUERY 1",
                "SEARCH gal USING COVERING INDEX ix_gal_search (search_key>? AND search_key<?)",
                "USE TEMP B-TREE FOR ORDER BY",
            ],
            plan);
    }
}

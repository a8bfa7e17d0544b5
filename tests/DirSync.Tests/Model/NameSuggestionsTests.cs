using DirSync.Core;

namespace DirSync.Tests.Model;

public sealed class NameSuggestionsTests
{
    private static readonly string[] Verbs = ["add", "set", "remove", "list", "show"];

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("add", "add", 0)]
    [InlineData("add", "ad", 1)]
    [InlineData("ad", "add", 1)]
    [InlineData("remove", "remvoe", 2)]
    [InlineData("a", "A", 1)]
    public void Distance_IsTheLevenshteinDistance(string a, string b, int expected) =>
        Assert.Equal(expected, NameSuggestions.Distance(a, b));

    [Fact]
    public void Closest_IgnoresCaseOrdersByDistanceThenName()
    {
        Assert.Equal(["add"], NameSuggestions.Closest("ADD", Verbs));
        Assert.Equal(["set", "list"], NameSuggestions.Closest("st", Verbs));
    }

    [Fact]
    public void Closest_KeepsAtMostMaxAndDropsCaseDuplicates()
    {
        // All but "tilt" (3 edits) are 2 edits from "Titel"; "title" repeats "Title".
        string[] candidates = ["Title", "title", "tile", "tilt", "tiles"];

        Assert.Equal(["Title", "tile"], NameSuggestions.Closest("Titel", candidates));
        Assert.Equal(["Title", "tile", "tiles"], NameSuggestions.Closest("Titel", candidates, max: 3));
    }

    [Fact]
    public void Closest_LimitGrowsWithTheLengthOfTheInput()
    {
        // Short input: up to 2 edits. 12 characters: up to 4 edits.
        Assert.Empty(NameSuggestions.Closest("xyz", ["abc"]));
        Assert.Equal(["ab"], NameSuggestions.Closest("xb", ["ab"]));
        Assert.Equal(["displayName1"], NameSuggestions.Closest("dispXXXXame1", ["displayName1"]));
        Assert.Empty(NameSuggestions.Closest("diXXXXXName1", ["displayName1"]));
    }

    [Theory]
    [InlineData("ad", "did you mean 'add'?")]
    [InlineData("lst", "did you mean 'list' or 'set'?")]
    [InlineData("purge", null)]
    public void Hint_PhrasesTheClosestNames(string input, string? expected) =>
        Assert.Equal(expected, NameSuggestions.Hint(input, Verbs));

    [Fact]
    public void Arguments_Null_AreProgrammingErrors()
    {
        Assert.Throws<ArgumentNullException>(() => NameSuggestions.Closest(null!, Verbs));
        Assert.Throws<ArgumentNullException>(() => NameSuggestions.Distance("a", null!));
        Assert.Throws<ArgumentNullException>(() => NameSuggestions.Distance(null!, "a"));
    }
}

using DirSync.Core;
using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class DirectoryPathTests
{
    [Fact]
    public void Parse_NestedPath_ExposesItsParts()
    {
        var path = DirectoryPath.Parse("Recipients/Sales/West");

        Assert.Equal(["Recipients", "Sales", "West"], path.Segments);
        Assert.Equal("Recipients/Sales/West", path.Value);
        Assert.Equal("West", path.Name);
        Assert.Equal(3, path.Depth);
        Assert.Equal("RECIPIENTS/SALES/WEST", path.Key);
        Assert.Equal("Recipients/Sales/West", path.ToString());
        Assert.Equal("Recipients/Sales", path.Parent?.Value);
        Assert.Equal("Recipients", path.Parent?.Parent?.Value);
        Assert.Null(path.Parent?.Parent?.Parent);
    }

    [Theory]
    [InlineData("/Recipients/Sales/", "Recipients/Sales")]
    [InlineData("  Recipients/Sales  ", "Recipients/Sales")]
    [InlineData("Recipients", "Recipients")]
    [InlineData("Recipients/Sales Team", "Recipients/Sales Team")]
    [InlineData("Empfänger/Verkauf", "Empfänger/Verkauf")]
    public void Parse_AcceptedText_KeepsTheSpellingWithoutOuterSlashes(string text, string expected) =>
        Assert.Equal(expected, DirectoryPath.Parse(text).Value);

    [Fact]
    public void Recipients_IsTheTopLevelDefaultContainer()
    {
        Assert.Equal("Recipients", DirectoryPath.Recipients.Value);
        Assert.Equal(1, DirectoryPath.Recipients.Depth);
        Assert.Null(DirectoryPath.Recipients.Parent);
    }

    [Theory]
    [InlineData(null, "a container path cannot be empty")]
    [InlineData("", "a container path cannot be empty")]
    [InlineData("   ", "a container path cannot be empty")]
    [InlineData("Recipients//Sales", "'' is empty (two slashes in a row?)")]
    [InlineData("Recipients/ Sales", "' Sales' starts or ends with white space")]
    [InlineData("Recipients/Sales /West", "'Sales ' starts or ends with white space")]
    [InlineData("Recipients/..", "'..' is not a container name")]
    [InlineData("./Recipients", "'.' is not a container name")]
    [InlineData("Recipients/Sa\\les", "'Sa\\les' contains a control character, '/' or '\\'")]
    [InlineData("Recipients/Sa\tles", "'Sa\tles' contains a control character, '/' or '\\'")]
    public void TryParse_InvalidText_FailsWithTheReason(string? text, string expected)
    {
        Assert.False(DirectoryPath.TryParse(text, out var path, out var error));
        Assert.Null(path);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_SegmentLengthLimit_AcceptsSixtyFourAndRejectsSixtyFive()
    {
        Assert.True(DirectoryPath.TryParse("Recipients/" + new string('a', 64), out var path, out var error));
        Assert.Null(error);
        Assert.Equal(64, path.Name.Length);

        var tooLong = new string('b', 65);
        Assert.False(DirectoryPath.TryParse("Recipients/" + tooLong, out _, out error));
        Assert.Equal($"'{tooLong}' is longer than 64 characters", error);
    }

    [Fact]
    public void TryParse_DepthLimit_AcceptsSixteenAndRejectsSeventeen()
    {
        Assert.True(DirectoryPath.TryParse(string.Join('/', Enumerable.Repeat("c", 16)), out var path, out _));
        Assert.Equal(16, path.Depth);

        Assert.False(DirectoryPath.TryParse(string.Join('/', Enumerable.Repeat("c", 17)), out _, out var error));
        Assert.Equal("containers nest at most 16 deep", error);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsInvalidValueNamingTextAndReason()
    {
        var error = Assert.Throws<InvalidValueException>(() => DirectoryPath.Parse("Recipients//Sales"));

        Assert.Equal("invalid container path 'Recipients//Sales': '' is empty (two slashes in a row?)", error.Message);
        Assert.Equal(ErrorCategory.InvalidValue, error.Category);
    }

    [Fact]
    public void Append_ValidName_MakesTheChild()
    {
        var child = DirectoryPath.Recipients.Append("Sales");

        Assert.Equal("Recipients/Sales", child.Value);
        Assert.Equal(DirectoryPath.Recipients, child.Parent);
    }

    [Theory]
    [InlineData("Sales/West", "invalid container name 'Sales/West': contains a control character, '/' or '\\'")]
    [InlineData("", "invalid container name '': is empty (two slashes in a row?)")]
    [InlineData("..", "invalid container name '..': is not a container name")]
    public void Append_InvalidName_Throws(string name, string expected)
    {
        var error = Assert.Throws<InvalidValueException>(() => DirectoryPath.Recipients.Append(name));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Equals_DifferentCase_IsTheSamePathButKeepsEachSpelling()
    {
        var a = DirectoryPath.Parse("Recipients/Sales");
        var b = DirectoryPath.Parse("RECIPIENTS/sales");

        Assert.True(a.Equals(b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.Key, b.Key);
        Assert.Equal("RECIPIENTS/sales", b.Value);
    }

    [Fact]
    public void Equals_DifferentPathOrNull_IsFalse()
    {
        var a = DirectoryPath.Parse("Recipients/Sales");

        Assert.False(a.Equals(DirectoryPath.Parse("Recipients/Sale")));
        Assert.False(a.Equals((object?)null));
        Assert.False(a.Equals("Recipients/Sales"));
        Assert.True(a != null);
    }

    [Theory]
    [InlineData("Recipients/Sales", "Recipients/Sales", true)]
    [InlineData("Recipients/Sales/West", "Recipients/Sales", true)]
    [InlineData("recipients/SALES/West", "Recipients/Sales", true)]
    [InlineData("Recipients/Sales/West", "Recipients", true)]
    [InlineData("Recipients", "Recipients/Sales", false)]
    [InlineData("Recipients/SalesWest", "Recipients/Sales", false)]
    [InlineData("Recipients/Marketing", "Recipients/Sales", false)]
    [InlineData("Other/Sales", "Recipients/Sales", false)]
    public void IsWithin_ComparesWholeSegmentsCaseInsensitively(string path, string container, bool expected) =>
        Assert.Equal(expected, DirectoryPath.Parse(path).IsWithin(DirectoryPath.Parse(container)));
}

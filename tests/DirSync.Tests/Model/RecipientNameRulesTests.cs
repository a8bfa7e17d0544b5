using DirSync.Core;
using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class RecipientNameRulesTests
{
    [Theory]
    [InlineData("Mailbox11")]
    [InlineData("John Smith")]
    [InlineData("o'brien.j-2")]
    [InlineData("Müller")]
    [InlineData("a")]
    public void ValidateAlias_PrintableNames_AreValid(string alias) =>
        Assert.Null(RecipientNameRules.ValidateAlias(alias));

    [Fact]
    public void ValidateAlias_LengthLimit_AcceptsSixtyFourAndRejectsSixtyFive()
    {
        Assert.Null(RecipientNameRules.ValidateAlias(new string('a', 64)));
        Assert.Equal("an alias is at most 64 characters", RecipientNameRules.ValidateAlias(new string('a', 65)));
    }

    [Theory]
    [InlineData(null, "an alias cannot be empty")]
    [InlineData("", "an alias cannot be empty")]
    [InlineData(" Mailbox11", "an alias cannot start or end with white space")]
    [InlineData("Mailbox11 ", "an alias cannot start or end with white space")]
    [InlineData("Sales/West", "an alias cannot contain control characters, '/' or '\\'")]
    [InlineData("Sales\\West", "an alias cannot contain control characters, '/' or '\\'")]
    [InlineData("Sales\tWest", "an alias cannot contain control characters, '/' or '\\'")]
    [InlineData("Sales\u0000", "an alias cannot contain control characters, '/' or '\\'")]
    public void ValidateAlias_InvalidAlias_SaysWhy(string? alias, string expected) =>
        Assert.Equal(expected, RecipientNameRules.ValidateAlias(alias));

    [Theory]
    [InlineData("Doug Dosdall")]
    [InlineData("Dosdall, Doug (Sales)")]
    [InlineData(" padded ")]
    [InlineData("Jörg Müller, 日本語")]
    public void ValidateDisplayName_PrintableNames_AreValid(string displayName) =>
        Assert.Null(RecipientNameRules.ValidateDisplayName(displayName));

    [Fact]
    public void ValidateDisplayName_LengthLimit_AcceptsTwoFiftySixAndRejectsTwoFiftySeven()
    {
        Assert.Null(RecipientNameRules.ValidateDisplayName(new string('d', 256)));
        Assert.Equal("a display name is at most 256 characters", RecipientNameRules.ValidateDisplayName(new string('d', 257)));
    }

    [Theory]
    [InlineData(null, "a display name cannot be empty")]
    [InlineData("", "a display name cannot be empty")]
    [InlineData("   ", "a display name cannot be empty")]
    [InlineData("Doug\nDosdall", "a display name cannot contain control characters")]
    [InlineData("Doug\u0007", "a display name cannot contain control characters")]
    public void ValidateDisplayName_InvalidName_SaysWhy(string? displayName, string expected) =>
        Assert.Equal(expected, RecipientNameRules.ValidateDisplayName(displayName));

    [Fact]
    public void EnsureAlias_InvalidAlias_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidValueException>(() => RecipientNameRules.EnsureAlias("Sales/West"));

        Assert.Equal("invalid alias 'Sales/West': an alias cannot contain control characters, '/' or '\\'", error.Message);
        Assert.Equal(ErrorCategory.InvalidValue, error.Category);
    }

    [Fact]
    public void EnsureAlias_ValidAlias_DoesNotThrow()
    {
        var error = Record.Exception(() => RecipientNameRules.EnsureAlias("Mailbox11"));

        Assert.Null(error);
    }
}

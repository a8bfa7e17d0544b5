using DirSync.Core;
using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class ObjectClassNamesTests
{
    [Theory]
    [InlineData(ObjectClass.Mailbox, "mailbox", "Mailbox")]
    [InlineData(ObjectClass.CustomRecipient, "custom-recipient", "Remote")]
    [InlineData(ObjectClass.DistributionList, "distribution-list", "dl")]
    public void Names_OfEachClass_AreTheTokenAndTheExchangeName(ObjectClass value, string token, string exchangeName)
    {
        Assert.Equal(token, value.ToToken());
        Assert.Equal(exchangeName, value.ToExchangeName());
        Assert.Equal(value, ObjectClassNames.Parse(token));
        Assert.Equal(value, ObjectClassNames.Parse(exchangeName));
    }

    [Theory]
    [InlineData("mailbox", ObjectClass.Mailbox)]
    [InlineData("MAILBOX", ObjectClass.Mailbox)]
    [InlineData(" Mailbox ", ObjectClass.Mailbox)]
    [InlineData("custom-recipient", ObjectClass.CustomRecipient)]
    [InlineData("CustomRecipient", ObjectClass.CustomRecipient)]
    [InlineData("remote", ObjectClass.CustomRecipient)]
    [InlineData("Contact", ObjectClass.CustomRecipient)]
    [InlineData("dl", ObjectClass.DistributionList)]
    [InlineData("DL", ObjectClass.DistributionList)]
    [InlineData("distribution-list", ObjectClass.DistributionList)]
    [InlineData("DistributionList", ObjectClass.DistributionList)]
    [InlineData("group", ObjectClass.DistributionList)]
    public void TryParse_EveryAcceptedSpelling_GivesItsClass(string text, ObjectClass expected)
    {
        Assert.True(ObjectClassNames.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mailboxes")]
    [InlineData("custom recipient")]
    [InlineData("1")]
    public void TryParse_OtherText_Fails(string? text)
    {
        Assert.False(ObjectClassNames.TryParse(text, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Parse_UnknownText_ListsTheAcceptedNames()
    {
        var error = Assert.Throws<InvalidValueException>(() => ObjectClassNames.Parse("user"));

        Assert.Equal("unknown object class 'user'; use one of: mailbox, custom-recipient (or remote), dl (or distribution-list)", error.Message);
    }

    [Fact]
    public void ToToken_UndefinedValue_IsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ObjectClass)0).ToToken());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ObjectClass)4).ToExchangeName());
    }

    [Fact]
    public void ObjectClass_PersistedNumbers_NeverChange() =>
        Assert.Equal([1, 2, 3], new[] { ObjectClass.Mailbox, ObjectClass.CustomRecipient, ObjectClass.DistributionList }.Select(c => (int)c));
}

using DirSync.Core;
using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class ProxyAddressTests
{
    [Fact]
    public void Parse_UpperCaseType_IsPrimary()
    {
        var address = ProxyAddress.Parse("SMTP:Mailbox11@Site1.Testorg.com");

        Assert.Equal("SMTP", address.Type);
        Assert.Equal("Mailbox11@Site1.Testorg.com", address.Address);
        Assert.True(address.IsPrimary);
        Assert.Equal("SMTP:Mailbox11@Site1.Testorg.com", address.ToString());
        Assert.Equal("SMTP:MAILBOX11@SITE1.TESTORG.COM", address.Key);
    }

    [Theory]
    [InlineData("smtp:joe@example.com")]
    [InlineData("Smtp:joe@example.com")]
    [InlineData("sMTP:joe@example.com")]
    public void Parse_AnyLowerCaseLetterInType_IsSecondaryWithUpperCaseType(string text)
    {
        var address = ProxyAddress.Parse(text);

        Assert.Equal("SMTP", address.Type);
        Assert.False(address.IsPrimary);
        Assert.Equal("smtp:joe@example.com", address.ToString());
    }

    [Theory]
    [InlineData("X400:c=US;a= ;p=Testorg;o=Site1;s=Dosdall;", "X400", "c=US;a= ;p=Testorg;o=Site1;s=Dosdall;")]
    [InlineData("EDK:a:b", "EDK", "a:b")]
    [InlineData("MS:TESTORG/SITE1/MAILBOX11", "MS", "TESTORG/SITE1/MAILBOX11")]
    [InlineData("X-TYPE_2:x", "X-TYPE_2", "x")]
    public void Parse_AddressAfterTheFirstColon_IsKeptAsWritten(string text, string type, string value)
    {
        var address = ProxyAddress.Parse(text);

        Assert.Equal((type, value), (address.Type, address.Address));
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData(null, "an address cannot be empty")]
    [InlineData("", "an address cannot be empty")]
    [InlineData("joe@example.com", "expected TYPE:address, such as SMTP:joe@example.com")]
    [InlineData(":joe@example.com", "expected TYPE:address, such as SMTP:joe@example.com")]
    [InlineData("SMTP:", "the address after the type is empty")]
    [InlineData("ABCDEFGHIJKLMNOPQ:x", "the address type must be 1 to 16 characters")]
    [InlineData("SM TP:x", "the address type may hold only letters, digits, '-' and '_'")]
    [InlineData("SMTP.1:x", "the address type may hold only letters, digits, '-' and '_'")]
    [InlineData("SMTP:joe\n@example.com", "the address contains a control character")]
    public void TryParse_InvalidText_FailsWithTheReason(string? text, string expected)
    {
        Assert.False(ProxyAddress.TryParse(text, out var address, out var error));
        Assert.Null(address);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_LengthLimits_AcceptTheLimitAndRejectOneMore()
    {
        Assert.True(ProxyAddress.TryParse("ABCDEFGHIJKLMNOP:" + new string('a', 1024), out var longest, out _));
        Assert.Equal((16, 1024), (longest.Type.Length, longest.Address.Length));

        Assert.False(ProxyAddress.TryParse("SMTP:" + new string('a', 1025), out _, out var error));
        Assert.Equal("the address is longer than 1024 characters", error);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsInvalidValueNamingTheText()
    {
        var error = Assert.Throws<InvalidValueException>(() => ProxyAddress.Parse("joe@example.com"));

        Assert.Equal("invalid address 'joe@example.com': expected TYPE:address, such as SMTP:joe@example.com", error.Message);
    }

    [Fact]
    public void Constructor_LowerCaseType_IsUpperCasedAndKeepsTheGivenFlag()
    {
        var address = new ProxyAddress("edk", "Mailbox11@Site1.Testorg.com", isPrimary: true);

        Assert.Equal("EDK:Mailbox11@Site1.Testorg.com", address.ToString());
    }

    [Fact]
    public void Constructor_EmptyAddress_ThrowsInvalidValue()
    {
        var error = Assert.Throws<InvalidValueException>(() => new ProxyAddress("SMTP", "", isPrimary: true));

        Assert.Equal("invalid address 'SMTP:': the address after the type is empty", error.Message);
    }

    [Fact]
    public void Equals_SameTypeAndAddressInAnyCaseAndEitherFlag_IsTheSameAddress()
    {
        var primary = ProxyAddress.Parse("SMTP:Joe@Example.com");
        var secondary = ProxyAddress.Parse("smtp:JOE@EXAMPLE.COM");

        Assert.True(primary.Equals(secondary));
        Assert.True(primary.Equals((object)secondary));
        Assert.Equal(primary.GetHashCode(), secondary.GetHashCode());
        Assert.Equal(primary.Key, secondary.Key);
    }

    [Fact]
    public void Equals_OtherTypeOtherAddressOrNull_IsFalse()
    {
        var address = ProxyAddress.Parse("SMTP:joe@example.com");

        Assert.False(address.Equals(ProxyAddress.Parse("EDK:joe@example.com")));
        Assert.False(address.Equals(ProxyAddress.Parse("SMTP:jo@example.com")));
        Assert.False(address.Equals(null));
        Assert.False(address.Equals("SMTP:joe@example.com"));
    }

    [Fact]
    public void WithPrimary_ChangesOnlyTheFlag()
    {
        var primary = ProxyAddress.Parse("SMTP:joe@example.com");

        Assert.Same(primary, primary.WithPrimary(true));
        var secondary = primary.WithPrimary(false);
        Assert.Equal("smtp:joe@example.com", secondary.ToString());
        Assert.Equal("SMTP:joe@example.com", secondary.WithPrimary(true).ToString());
    }

    [Theory]
    [InlineData("SMTP", true)]
    [InlineData("x400", true)]
    [InlineData("MS-MAIL_2", true)]
    [InlineData("ABCDEFGHIJKLMNOP", true)]
    [InlineData("ABCDEFGHIJKLMNOPQ", false)]
    [InlineData("", false)]
    [InlineData("SM TP", false)]
    [InlineData("SMTP:", false)]
    public void IsValidType_FollowsTheTypeRules(string type, bool expected) =>
        Assert.Equal(expected, ProxyAddress.IsValidType(type));
}

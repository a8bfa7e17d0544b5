using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;

namespace DirSync.Tests.Admin;

public sealed class RecipientChangesTests
{
    [Fact]
    public void New_Changes_AreEmpty() => Assert.True(new RecipientChanges().IsEmpty);

    [Theory]
    [InlineData("cn", "Mailbox99")]
    [InlineData("Common-Name", "Mailbox99")]
    [InlineData("mailNickname", "Mailbox99")]
    public void Set_AliasBySpelling_IsARename(string name, string value)
    {
        var changes = new RecipientChanges();

        changes.Set(name, value);

        Assert.Equal("Mailbox99", changes.Alias);
        Assert.False(changes.IsEmpty);
        Assert.Empty(changes.Attributes);
    }

    [Theory]
    [InlineData("displayName")]
    [InlineData("Display-Name")]
    [InlineData("DISPLAYNAME")]
    public void Set_DisplayNameBySpelling_SetsTheDisplayName(string name)
    {
        var changes = new RecipientChanges();

        changes.Set(name, "Doug Dosdall");

        Assert.Equal("Doug Dosdall", changes.DisplayName);
    }

    [Fact]
    public void Set_DescriptiveAttributes_CollectValuesPerAttributeWhateverTheSpelling()
    {
        var changes = new RecipientChanges();

        changes.Set("Given-Name", "Doug");
        changes.Set("otherTelephone", "+1 1");
        changes.Set("Telephone-Office2", "+1 2");

        Assert.Equal(["Doug"], changes.Attributes[AttributeCatalog.GivenName]);
        Assert.Equal(["+1 1", "+1 2"], changes.Attributes[AttributeCatalog.Get("otherTelephone")]);
    }

    [Fact]
    public void Set_EmptyValue_AsksToClearTheAttribute()
    {
        var changes = new RecipientChanges();

        changes.Set("title", "");

        Assert.Empty(changes.Attributes[AttributeCatalog.Get("title")]);
        Assert.False(changes.IsEmpty);
    }

    [Fact]
    public void Set_AddressingAndMembership_MapOntoTheirOwnChanges()
    {
        var changes = new RecipientChanges();

        changes.Set("Target-Address", "SMTP:joe@example.net");
        changes.Set("proxyAddresses", "SMTP:a@example.com");
        changes.Set("Proxy-Addresses", "smtp:b@example.com");
        changes.Set("member", "A");
        changes.Set("Member", "B");

        Assert.Equal("SMTP:joe@example.net", changes.TargetAddress?.ToString());
        Assert.Equal(["SMTP:a@example.com", "smtp:b@example.com"], changes.ProxyAddresses?.Select(p => p.ToString()));
        Assert.Equal(["A", "B"], changes.Members);
    }

    [Fact]
    public void Set_EmptyProxyOrMember_ReplacesTheListWithNothing()
    {
        var changes = new RecipientChanges();

        changes.Set("proxyAddresses", "");
        changes.Set("member", "");

        Assert.Equal([], changes.ProxyAddresses);
        Assert.Equal([], changes.Members);
    }

    [Theory]
    [InlineData("uSNChanged", "uSNChanged is kept by the directory and cannot be set")]
    [InlineData("USN-Created", "uSNCreated is kept by the directory and cannot be set")]
    [InlineData("objectGUID", "objectGUID is kept by the directory and cannot be set")]
    [InlineData("Imported-From", "importedFrom is kept by the directory and cannot be set")]
    [InlineData("objectClass", "objectClass cannot be changed; remove the recipient and add it with the new class")]
    [InlineData("Titel", "unknown attribute 'Titel'; did you mean 'Title'?")]
    public void Set_ReadOnlyOrUnknownAttribute_Throws(string name, string expected)
    {
        var changes = new RecipientChanges();

        var error = Assert.Throws<InvalidValueException>(() => changes.Set(name, "x"));

        Assert.Equal(expected, error.Message);
        Assert.True(changes.IsEmpty);
    }

    [Theory]
    [InlineData("cn", "Common-Name", "cn takes one value")]
    [InlineData("displayName", "Display-Name", "displayName takes one value")]
    [InlineData("targetAddress", "Target-Address", "targetAddress takes one value")]
    public void Set_SingleValuedIdentityTwice_Throws(string first, string second, string expected)
    {
        var changes = new RecipientChanges();
        changes.Set(first, "SMTP:a@example.com");

        var error = Assert.Throws<InvalidValueException>(() => changes.Set(second, "SMTP:b@example.com"));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Set_BadAddress_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidValueException>(() => new RecipientChanges().Set("targetAddress", "joe@example.net"));

        Assert.Equal("invalid address 'joe@example.net': expected TYPE:address, such as SMTP:joe@example.com", error.Message);
    }

    [Fact]
    public void IsEmpty_AnyRequestedChange_IsFalse()
    {
        Assert.False(new RecipientChanges { Container = DirectoryPath.Recipients }.IsEmpty);
        var adding = new RecipientChanges();
        adding.AddMembers.Add("A");
        Assert.False(adding.IsEmpty);
        var removing = new RecipientChanges();
        removing.RemoveMembers.Add("A");
        Assert.False(removing.IsEmpty);
    }
}

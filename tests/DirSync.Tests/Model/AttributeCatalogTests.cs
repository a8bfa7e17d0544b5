using DirSync.Core;
using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class AttributeCatalogTests
{
    // Every pair of the reference's "Exchange directory attribute names ↔ LDAP names" list.
    public static TheoryData<string, string> ReferencePairs()
    {
        var data = new TheoryData<string, string>
        {
            { "Common-Name", "cn" },
            { "Display-Name", "displayName" },
            { "Given-Name", "givenName" },
            { "Surname", "sn" },
            { "Initials", "initials" },
            { "Title", "title" },
            { "Company", "company" },
            { "Department", "department" },
            { "Office-Location", "physicalDeliveryOfficeName" },
            { "Telephone-Office1", "telephoneNumber" },
            { "Proxy-Addresses", "proxyAddresses" },
            { "Target-Address", "targetAddress" },
            { "Obj-Class", "objectClass" },
            { "Imported-From", "importedFrom" },
        };
        for (var n = 1; n <= 15; n++)
        {
            data.Add($"Extension-Attribute-{n}", $"extensionAttribute{n}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReferencePairs))]
    public void Get_ExchangeAndLdapSpellingInAnyCase_FindTheSameDefinition(string exchangeName, string ldapName)
    {
        var byExchange = AttributeCatalog.Get(exchangeName);

        Assert.Equal(exchangeName, byExchange.ExchangeName);
        Assert.Equal(ldapName, byExchange.LdapName);
        foreach (var spelling in new[] { ldapName, exchangeName.ToUpperInvariant(), exchangeName.ToLowerInvariant(), ldapName.ToUpperInvariant(), ldapName.ToLowerInvariant() })
        {
            Assert.Same(byExchange, AttributeCatalog.Get(spelling));
            Assert.True(AttributeCatalog.TryGet(spelling, out var found));
            Assert.Same(byExchange, found);
        }
    }

    [Fact]
    public void ReferencePairs_CoverTwentyNineDistinctDefinitions() =>
        Assert.Equal(29, ReferencePairs().Select(row => AttributeCatalog.Get(row.Data.Item1).Id).Distinct().Count());

    [Fact]
    public void Get_IdentityAttributes_AreTheNamedDefinitions()
    {
        Assert.Same(AttributeCatalog.Alias, AttributeCatalog.Get("cn"));
        Assert.Same(AttributeCatalog.DisplayName, AttributeCatalog.Get("Display-Name"));
        Assert.Same(AttributeCatalog.GivenName, AttributeCatalog.Get("givenname"));
        Assert.Same(AttributeCatalog.Surname, AttributeCatalog.Get("SN"));
        Assert.Same(AttributeCatalog.TargetAddress, AttributeCatalog.Get("target-address"));
        Assert.Same(AttributeCatalog.UsnChanged, AttributeCatalog.Get("USN-Changed"));
    }

    [Theory]
    [InlineData("Alias", "cn")]
    [InlineData("Mail-Nickname", "cn")]
    [InlineData("mailNickname", "cn")]
    [InlineData("Locality-Name", "l")]
    [InlineData("City", "l")]
    [InlineData(" displayName ", "displayName")]
    public void Get_OtherSpellingsAndSurroundingSpace_AreAccepted(string name, string ldapName) =>
        Assert.Equal(ldapName, AttributeCatalog.Get(name).LdapName);

    [Theory]
    [InlineData("Titel", "unknown attribute 'Titel'; did you mean 'Title'?")]
    [InlineData("displayNmae", "unknown attribute 'displayNmae'; did you mean 'displayName' or 'Display-Name'?")]
    [InlineData("Given-Nam", "unknown attribute 'Given-Nam'; did you mean 'Given-Name' or 'givenName'?")]
    [InlineData("extensionAttribute16", "unknown attribute 'extensionAttribute16'; did you mean 'extensionAttribute1' or 'extensionAttribute10'?")]
    [InlineData("favouriteColour", "unknown attribute 'favouriteColour'; see 'dirsync attributes' for the list")]
    public void Get_UnknownName_ThrowsWithCloseMatchesOrWhereToLook(string name, string expected)
    {
        var error = Assert.Throws<InvalidValueException>(() => AttributeCatalog.Get(name));

        Assert.Equal(expected, error.Message);
        Assert.False(AttributeCatalog.TryGet(name, out var attribute));
        Assert.Null(attribute);
    }

    [Fact]
    public void All_IdsAreUniqueAndFoundById()
    {
        Assert.Equal(AttributeCatalog.All.Count, AttributeCatalog.All.Select(a => a.Id).Distinct().Count());
        foreach (var attribute in AttributeCatalog.All)
        {
            Assert.True(AttributeCatalog.TryGet(attribute.Id, out var byId));
            Assert.Same(attribute, byId);
        }

        Assert.False(AttributeCatalog.TryGet(9999, out _));
        Assert.Equal(AttributeCatalog.All.OrderBy(a => a.Id), AttributeCatalog.All);
    }

    [Fact]
    public void All_EverySpelling_NamesOneAttributeOnly()
    {
        var owners = AttributeCatalog.All
            .SelectMany(a => new[] { a.ExchangeName, a.LdapName }.Concat(a.OtherNames).Select(name => (name, a.Id)))
            .GroupBy(x => x.name, StringComparer.OrdinalIgnoreCase)
            .ToList();

        Assert.All(owners, group => Assert.Single(group.Select(x => x.Id).Distinct()));
        Assert.Equal(owners.Count, AttributeCatalog.AllNames.Count());
        Assert.All(owners, group => Assert.Equal(group.First().Id, AttributeCatalog.Get(group.Key).Id));
    }

    [Theory]
    [InlineData("objectGUID")]
    [InlineData("uSNCreated")]
    [InlineData("uSNChanged")]
    [InlineData("isDeleted")]
    [InlineData("distinguishedName")]
    [InlineData("importedFrom")]
    public void Operational_Attributes_AreNotWritable(string name)
    {
        var attribute = AttributeCatalog.Get(name);

        Assert.Equal(AttributeKind.Operational, attribute.Kind);
        Assert.False(attribute.IsWritable);
    }

    [Fact]
    public void Writable_AttributesAreEveryKindButOperational() =>
        Assert.Equal(
            AttributeCatalog.All.Where(a => a.Kind != AttributeKind.Operational).Select(a => a.LdapName),
            AttributeCatalog.All.Where(a => a.IsWritable).Select(a => a.LdapName));

    [Theory]
    [InlineData("proxyAddresses", true)]
    [InlineData("member", true)]
    [InlineData("otherTelephone", true)]
    [InlineData("telephoneNumber", false)]
    [InlineData("givenName", false)]
    [InlineData("targetAddress", false)]
    public void IsMultiValued_MatchesTheSchema(string name, bool expected) =>
        Assert.Equal(expected, AttributeCatalog.Get(name).IsMultiValued);

    [Fact]
    public void MaxLength_OfNameAttributes_MatchesTheSchema()
    {
        Assert.Equal(64, AttributeCatalog.Alias.MaxLength);
        Assert.Equal(256, AttributeCatalog.DisplayName.MaxLength);
        Assert.Equal(6, AttributeCatalog.Initials.MaxLength);
        Assert.Equal(1024, AttributeCatalog.Get("extensionAttribute15").MaxLength);
    }

    [Fact]
    public void ToString_IsTheLdapName() =>
        Assert.Equal("physicalDeliveryOfficeName", AttributeCatalog.Get("Office-Location").ToString());
}

using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class DirectoryObjectTests
{
    private static readonly MemberRef A = new(Guid.Parse("6f0c1a3e-0000-4000-8000-00000000000a"), "A");
    private static readonly MemberRef B = new(Guid.Parse("6f0c1a3e-0000-4000-8000-00000000000b"), "B");

    private static DirectoryObject List(params MemberRef[] members)
    {
        var value = new DirectoryObject(Guid.Parse("6f0c1a3e-0000-4000-8000-000000000001"), ObjectClass.DistributionList, "List", DirectoryPath.Recipients);
        value.Members.AddRange(members);
        return value;
    }

    [Fact]
    public void New_Object_StartsWithTheAliasAsDisplayNameAndNothingElse()
    {
        var value = new DirectoryObject(Guid.NewGuid(), ObjectClass.Mailbox, "Mailbox11", DirectoryPath.Recipients);

        Assert.Equal("Mailbox11", value.DisplayName);
        Assert.Empty(value.ProxyAddresses);
        Assert.Empty(value.Members);
        Assert.Equal(0, value.Attributes.Count);
        Assert.Null(value.TargetAddress);
        Assert.Null(value.Origin);
        Assert.False(value.IsDeleted);
    }

    [Fact]
    public void ContentEquals_SameMembersInAnotherOrder_IsTrue() =>
        Assert.True(List(A, B).ContentEquals(List(B, A)));

    [Fact]
    public void ContentEquals_DifferentMembers_IsFalse()
    {
        Assert.False(List(A, B).ContentEquals(List(A)));
        Assert.False(List(A).ContentEquals(List(B)));
        Assert.False(List().ContentEquals(List(A)));
    }

    [Fact]
    public void ContentEquals_ContainerInAnotherCase_IsTheSameContainer()
    {
        var value = List();
        var copy = value.Clone();
        copy.Container = DirectoryPath.Parse("RECIPIENTS");

        Assert.True(value.ContentEquals(copy));
        copy.Container = DirectoryPath.Parse("Recipients/Sales");
        Assert.False(value.ContentEquals(copy));
    }

    [Fact]
    public void ContentEquals_AddressOrderOrPrimaryFlag_Counts()
    {
        var value = List();
        value.ProxyAddresses.AddRange([ProxyAddress.Parse("SMTP:a@x.com"), ProxyAddress.Parse("EDK:a@x.com")]);
        var reordered = List();
        reordered.ProxyAddresses.AddRange([ProxyAddress.Parse("EDK:a@x.com"), ProxyAddress.Parse("SMTP:a@x.com")]);
        var demoted = List();
        demoted.ProxyAddresses.AddRange([ProxyAddress.Parse("smtp:a@x.com"), ProxyAddress.Parse("EDK:a@x.com")]);

        Assert.False(value.ContentEquals(reordered));
        Assert.False(value.ContentEquals(demoted));
    }

    [Fact]
    public void ContentEquals_UsnsAndTimes_DoNotCount()
    {
        var value = List(A);
        var copy = value.Clone();
        copy.UsnCreated = 7;
        copy.UsnChanged = 9;
        copy.WhenChanged = DateTimeOffset.UnixEpoch;

        Assert.True(value.ContentEquals(copy));
    }

    [Fact]
    public void Clone_IsADeepCopy()
    {
        var value = List(A);
        value.ProxyAddresses.Add(ProxyAddress.Parse("SMTP:list@x.com"));
        value.Attributes.Set(AttributeCatalog.Get("info"), ["note"]);

        var copy = value.Clone();
        copy.Members.Add(B);
        copy.ProxyAddresses.Clear();
        copy.Attributes.Set(AttributeCatalog.Get("info"), []);
        copy.Alias = "Other";

        Assert.Equal(["A"], value.Members.Select(m => m.Alias));
        Assert.Equal(["SMTP:list@x.com"], value.ProxyAddresses.Select(p => p.ToString()));
        Assert.Equal("note", value.Attributes.GetSingle(AttributeCatalog.Get("info")));
        Assert.Equal("List", value.Alias);
        Assert.False(value.ContentEquals(copy));
    }

    [Fact]
    public void GetPrimaryAddress_FindsThePrimaryOfATypeInAnyCase()
    {
        var value = List();
        value.ProxyAddresses.AddRange([ProxyAddress.Parse("smtp:old@x.com"), ProxyAddress.Parse("SMTP:new@x.com")]);

        Assert.Equal("SMTP:new@x.com", value.GetPrimaryAddress("smtp")?.ToString());
        Assert.Null(value.GetPrimaryAddress("EDK"));
    }
}

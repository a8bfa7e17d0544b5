using DirSync.Core.Model;

namespace DirSync.Tests.Model;

public sealed class AttributeSetTests
{
    private static readonly AttributeDefinition Title = AttributeCatalog.Get("title");
    private static readonly AttributeDefinition OtherTelephone = AttributeCatalog.Get("otherTelephone");

    [Fact]
    public void New_Set_IsEmpty()
    {
        var set = new AttributeSet();

        Assert.Equal(0, set.Count);
        Assert.Empty(set.Get(Title));
        Assert.Null(set.GetSingle(Title));
        Assert.Empty(set);
    }

    [Fact]
    public void Set_Values_AreReadBackInOrder()
    {
        var set = new AttributeSet();

        set.Set(OtherTelephone, ["+1 3", "+1 1", "+1 2"]);
        set.Set(Title, ["Manager"]);

        Assert.Equal(2, set.Count);
        Assert.Equal(["+1 3", "+1 1", "+1 2"], set.Get(OtherTelephone));
        Assert.Equal("+1 3", set.GetSingle(OtherTelephone));
        Assert.Equal("Manager", set.GetSingle(Title));
    }

    [Fact]
    public void Set_Again_ReplacesTheValues()
    {
        var set = new AttributeSet();
        set.Set(OtherTelephone, ["+1 1", "+1 2"]);

        set.Set(OtherTelephone, ["+1 9"]);

        Assert.Equal(["+1 9"], set.Get(OtherTelephone));
    }

    [Fact]
    public void Set_NoValues_RemovesTheAttribute()
    {
        var set = new AttributeSet();
        set.Set(Title, ["Manager"]);

        set.Set(Title, []);

        Assert.Equal(0, set.Count);
        Assert.Null(set.GetSingle(Title));
    }

    [Fact]
    public void Set_CopiesTheValues_SoLaterChangesToTheSourceDoNotLeakIn()
    {
        var source = new List<string> { "+1 1" };
        var set = new AttributeSet();

        set.Set(OtherTelephone, source);
        source.Add("+1 2");

        Assert.Equal(["+1 1"], set.Get(OtherTelephone));
    }

    [Theory]
    [InlineData("cn")]
    [InlineData("displayName")]
    [InlineData("proxyAddresses")]
    [InlineData("targetAddress")]
    [InlineData("member")]
    [InlineData("uSNChanged")]
    public void Set_NonDescriptiveAttribute_IsAProgrammingError(string name)
    {
        var attribute = AttributeCatalog.Get(name);

        var error = Assert.Throws<ArgumentException>(() => new AttributeSet().Set(attribute, ["x"]));

        Assert.Equal($"{attribute.LdapName} is not a descriptive attribute (Parameter 'attribute')", error.Message);
    }

    [Fact]
    public void Enumerate_GivesSchemaOrderWhateverTheInsertionOrder()
    {
        var set = new AttributeSet();
        set.Set(AttributeCatalog.Get("extensionAttribute2"), ["e2"]);
        set.Set(Title, ["Manager"]);
        set.Set(AttributeCatalog.Surname, ["Dosdall"]);
        set.Set(AttributeCatalog.GivenName, ["Doug"]);

        Assert.Equal(
            ["givenName=Doug", "sn=Dosdall", "title=Manager", "extensionAttribute2=e2"],
            set.Select(pair => $"{pair.Key.LdapName}={string.Join('|', pair.Value)}"));
    }

    [Fact]
    public void Remove_PresentAndAbsent_SaysWhetherItRemoved()
    {
        var set = new AttributeSet();
        set.Set(Title, ["Manager"]);

        Assert.True(set.Remove(Title));
        Assert.False(set.Remove(Title));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var set = new AttributeSet();
        set.Set(OtherTelephone, ["+1 1"]);

        var copy = set.Clone();
        copy.Set(OtherTelephone, ["+1 2"]);
        copy.Set(Title, ["Manager"]);

        Assert.Equal(["+1 1"], set.Get(OtherTelephone));
        Assert.Null(set.GetSingle(Title));
        Assert.Equal(["+1 2"], copy.Get(OtherTelephone));
    }

    [Fact]
    public void ContentEquals_SameAttributesAndValues_IsTrueEitherWay()
    {
        var a = new AttributeSet();
        a.Set(Title, ["Manager"]);
        a.Set(OtherTelephone, ["+1 1", "+1 2"]);
        var b = new AttributeSet();
        b.Set(OtherTelephone, ["+1 1", "+1 2"]);
        b.Set(Title, ["Manager"]);

        Assert.True(a.ContentEquals(b));
        Assert.True(b.ContentEquals(a));
        Assert.True(a.ContentEquals(a.Clone()));
    }

    [Fact]
    public void ContentEquals_DifferentValuesOrderCaseOrAttributes_IsFalse()
    {
        var a = new AttributeSet();
        a.Set(OtherTelephone, ["+1 1", "+1 2"]);

        var reordered = new AttributeSet();
        reordered.Set(OtherTelephone, ["+1 2", "+1 1"]);
        var recased = new AttributeSet();
        recased.Set(Title, ["manager"]);
        var titled = new AttributeSet();
        titled.Set(Title, ["Manager"]);
        var more = a.Clone();
        more.Set(Title, ["Manager"]);

        Assert.False(a.ContentEquals(reordered));
        Assert.False(titled.ContentEquals(recased));
        Assert.False(a.ContentEquals(titled));
        Assert.False(a.ContentEquals(more));
        Assert.False(more.ContentEquals(a));
    }
}

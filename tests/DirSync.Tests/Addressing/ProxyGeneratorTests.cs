using DirSync.Core;
using DirSync.Core.Addressing;
using DirSync.Core.Model;
using Xunit;

namespace DirSync.Tests.Addressing;

public sealed class ProxyGeneratorTests
{
    private static readonly AddressTemplate Smtp = AddressTemplate.Parse("SMTP", "%g.%s@x.com");
    private static readonly AddressTemplate Edk = AddressTemplate.Parse("EDK", "%m@Site1.Testorg.com");
    private static readonly RecipientNames Doug = new("dougd", "Doug", "Dosdall", "Doug Dosdall", null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DirectoryObject Recipient(ObjectClass objectClass, string alias, string? given, string? surname, params string[] addresses)
    {
        var value = new DirectoryObject(Guid.NewGuid(), objectClass, alias, DirectoryPath.Recipients);
        if (given is not null)
        {
            value.Attributes.Set(AttributeCatalog.GivenName, [given]);
        }

        if (surname is not null)
        {
            value.Attributes.Set(AttributeCatalog.Surname, [surname]);
        }

        value.ProxyAddresses.AddRange(addresses.Select(ProxyAddress.Parse));
        return value;
    }

    private static DirectoryObject Mailbox(string alias, string? given, string? surname, params string[] addresses) =>
        Recipient(ObjectClass.Mailbox, alias, given, surname, addresses);

    private static string[] Addresses(DirectoryObject value) => [.. value.ProxyAddresses.Select(a => a.ToString())];

    [Fact]
    public async Task GenerateAsync_Free_ReturnsTemplateAddressAsPrimary()
    {
        var store = new FakeStore();

        var address = await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, Doug, store.IsTaken, Ct);

        Assert.Equal("SMTP:Doug.Dosdall@x.com", address.ToString());
        Assert.True(address.IsPrimary);
        Assert.Equal(["SMTP:Doug.Dosdall@x.com"], store.Asked);
    }

    [Fact]
    public async Task GenerateAsync_FormatTaken_FallsBackToAlias()
    {
        var store = new FakeStore("SMTP:doug.dosdall@X.COM");

        var address = await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, Doug, store.IsTaken, Ct);

        Assert.Equal("SMTP:dougd@x.com", address.ToString());
        Assert.Equal(["SMTP:Doug.Dosdall@x.com", "SMTP:dougd@x.com"], store.Asked);
    }

    [Fact]
    public async Task GenerateAsync_AliasTaken_AppendsTwo()
    {
        var store = new FakeStore("SMTP:Doug.Dosdall@x.com", "SMTP:dougd@x.com");

        var address = await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, Doug, store.IsTaken, Ct);

        Assert.Equal("SMTP:dougd2@x.com", address.ToString());
    }

    [Fact]
    public async Task GenerateAsync_AliasAndTwoTaken_AppendsThree()
    {
        var store = new FakeStore("SMTP:Doug.Dosdall@x.com", "SMTP:dougd@x.com", "SMTP:dougd2@x.com");

        var address = await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, Doug, store.IsTaken, Ct);

        Assert.Equal("SMTP:dougd3@x.com", address.ToString());
        Assert.Equal(["SMTP:Doug.Dosdall@x.com", "SMTP:dougd@x.com", "SMTP:dougd2@x.com", "SMTP:dougd3@x.com"], store.Asked);
    }

    [Fact]
    public async Task GenerateAsync_AliasTemplateTaken_DoesNotAskTwiceForTheSameAddress()
    {
        var store = new FakeStore("EDK:dougd@Site1.Testorg.com");

        var address = await new ProxyGenerator([Edk]).GenerateAsync(Edk, Doug, store.IsTaken, Ct);

        Assert.Equal("EDK:dougd2@Site1.Testorg.com", address.ToString());
        Assert.Equal(["EDK:dougd@Site1.Testorg.com", "EDK:dougd2@Site1.Testorg.com"], store.Asked);
    }

    [Fact]
    public async Task GenerateAsync_TemplateGivesNothing_SkipsToAlias()
    {
        var store = new FakeStore();
        var names = new RecipientNames("dougd", null, null, null, null);

        var address = await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, names, store.IsTaken, Ct);

        Assert.Equal("SMTP:dougd@x.com", address.ToString());
        Assert.Equal(["SMTP:dougd@x.com"], store.Asked);
    }

    [Fact]
    public async Task GenerateAsync_EverythingTaken_StopsAfter9999Attempts()
    {
        var calls = 0;
        var last = "";
        ValueTask<bool> AlwaysTaken(ProxyAddress address, CancellationToken token)
        {
            calls++;
            last = address.ToString();
            return ValueTask.FromResult(true);
        }

        var error = await Assert.ThrowsAsync<InvalidValueException>(
            async () => await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, Doug, AlwaysTaken, Ct));

        Assert.Equal("no free SMTP address found for alias 'dougd' after 9999 attempts", error.Message);
        Assert.Equal(9999, calls);
        Assert.Equal("SMTP:dougd9998@x.com", last);
    }

    [Fact]
    public async Task GenerateAsync_AliasGivesNothing_SaysNoAddressCanBeMade()
    {
        var store = new FakeStore();
        var names = new RecipientNames("()", null, null, null, null);

        var error = await Assert.ThrowsAsync<InvalidValueException>(
            async () => await new ProxyGenerator([Smtp]).GenerateAsync(Smtp, names, store.IsTaken, Ct));

        Assert.Equal("no SMTP address can be made for alias '()': neither the template '%g.%s@x.com' nor the alias gives a usable address", error.Message);
        Assert.Empty(store.Asked);
    }

    [Fact]
    public void Constructor_TwoTemplatesOfOneType_Throws() =>
        Assert.Throws<ArgumentException>(() => new ProxyGenerator([Smtp, AddressTemplate.Parse("smtp", "%m@y.com")]));

    [Fact]
    public void Templates_KeepsGivenOrder() =>
        Assert.Equal([Edk, Smtp], new ProxyGenerator([Edk, Smtp]).Templates);

    [Fact]
    public async Task ApplyAsync_Create_AddsEveryType()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall");

        var changed = await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["SMTP:Doug.Dosdall@x.com", "EDK:dougd@Site1.Testorg.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_CreateWithTakenAddress_FallsBack()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall");
        var store = new FakeStore("SMTP:Doug.Dosdall@x.com");

        await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.Create, store.IsTaken, Ct);

        Assert.Equal(["SMTP:dougd@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_CreateWithPrimariesPresent_ChangesNothing()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "SMTP:someone@else.com", "EDK:other@Site1.Testorg.com");
        var store = new FakeStore();

        var changed = await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.Create, store.IsTaken, Ct);

        Assert.False(changed);
        Assert.Equal(["SMTP:someone@else.com", "EDK:other@Site1.Testorg.com"], Addresses(value));
        Assert.Empty(store.Asked);
    }

    [Fact]
    public async Task ApplyAsync_CreateWithOneTypeMissing_AppendsOnlyThatType()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "EDK:other@Site1.Testorg.com");

        var changed = await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["EDK:other@Site1.Testorg.com", "SMTP:Doug.Dosdall@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_FieldsChanged_KeepsOldPrimaryAsSecondary()
    {
        var value = Mailbox("dougd", "Doug", "Smith", "SMTP:Doug.Dosdall@x.com", "EDK:dougd@Site1.Testorg.com");

        var changed = await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.Surname), new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["smtp:Doug.Dosdall@x.com", "EDK:dougd@Site1.Testorg.com", "SMTP:Doug.Smith@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_FieldsChanged_LeavesTypesNotUsingThoseFields()
    {
        // The alias changed too, but the update names only the surname, which EDK's template does not use.
        var value = Mailbox("dsmith", "Doug", "Smith", "SMTP:Doug.Dosdall@x.com", "EDK:dougd@Site1.Testorg.com");

        await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.Surname), new FakeStore().IsTaken, Ct);

        Assert.Equal(["smtp:Doug.Dosdall@x.com", "EDK:dougd@Site1.Testorg.com", "SMTP:Doug.Smith@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_FieldsChangedBackToEarlierName_PromotesExistingSecondary()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "smtp:Doug.Dosdall@x.com", "SMTP:Doug.Smith@x.com");
        var store = new FakeStore();

        var changed = await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.Surname), store.IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["SMTP:Doug.Dosdall@x.com", "smtp:Doug.Smith@x.com"], Addresses(value));
        Assert.Empty(store.Asked);
    }

    [Fact]
    public async Task ApplyAsync_FieldsChangedToSameAddress_ChangesNothing()
    {
        var value = Mailbox("dougd", "doug", "dosdall", "SMTP:Doug.Dosdall@x.com");

        var changed = await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.GivenName | TemplateFields.Surname), new FakeStore().IsTaken, Ct);

        Assert.False(changed);
        Assert.Equal(["SMTP:Doug.Dosdall@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_FieldsChangedAndNewAddressTaken_UsesAliasAndKeepsOld()
    {
        var value = Mailbox("dougd", "Doug", "Smith", "SMTP:Doug.Dosdall@x.com");
        var store = new FakeStore("SMTP:Doug.Smith@x.com");

        await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.Surname), store.IsTaken, Ct);

        Assert.Equal(["smtp:Doug.Dosdall@x.com", "SMTP:dougd@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_FieldsChanged_AddsMissingType()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "SMTP:Doug.Dosdall@x.com");

        await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.GivenName), new FakeStore().IsTaken, Ct);

        Assert.Equal(["SMTP:Doug.Dosdall@x.com", "EDK:dougd@Site1.Testorg.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_TemplateChanged_RegeneratesOnlyThatType()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "SMTP:Doug.Dosdall@x.com", "EDK:legacy@Site1.Testorg.com");
        var generator = new ProxyGenerator([AddressTemplate.Parse("SMTP", "%1g%s@x.com"), Edk]);

        var changed = await generator.ApplyAsync(value, ProxyUpdate.TemplateChanged("smtp"), new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["smtp:Doug.Dosdall@x.com", "EDK:legacy@Site1.Testorg.com", "SMTP:DDosdall@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_TemplateChangedToSameResult_ChangesNothing()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "SMTP:Doug.Dosdall@x.com");
        var generator = new ProxyGenerator([AddressTemplate.Parse("SMTP", "%G.%S@x.com")]);

        var changed = await generator.ApplyAsync(value, ProxyUpdate.TemplateChanged("SMTP"), new FakeStore().IsTaken, Ct);

        Assert.False(changed);
        Assert.Equal(["SMTP:Doug.Dosdall@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_CustomRecipient_TargetIsPrimaryOfItsType()
    {
        var value = Recipient(ObjectClass.CustomRecipient, "dougd", "Doug", "Dosdall");
        value.TargetAddress = ProxyAddress.Parse("SMTP:doug@elsewhere.com");

        var changed = await new ProxyGenerator([Smtp, Edk]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["SMTP:doug@elsewhere.com", "EDK:dougd@Site1.Testorg.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_CustomRecipientTargetHeldAsSecondary_PromotesIt()
    {
        var value = Recipient(ObjectClass.CustomRecipient, "dougd", "Doug", "Dosdall", "SMTP:Doug.Dosdall@x.com", "smtp:Doug@Elsewhere.com");
        value.TargetAddress = ProxyAddress.Parse("SMTP:doug@elsewhere.com");

        var changed = await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.FieldsChanged(TemplateFields.Surname), new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["smtp:Doug.Dosdall@x.com", "SMTP:Doug@Elsewhere.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_CustomRecipientTemplateChangedForTargetType_KeepsTarget()
    {
        var value = Recipient(ObjectClass.CustomRecipient, "dougd", "Doug", "Dosdall", "SMTP:doug@elsewhere.com");
        value.TargetAddress = ProxyAddress.Parse("SMTP:doug@elsewhere.com");
        var store = new FakeStore();

        var changed = await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.TemplateChanged("SMTP"), store.IsTaken, Ct);

        Assert.False(changed);
        Assert.Equal(["SMTP:doug@elsewhere.com"], Addresses(value));
        Assert.Empty(store.Asked);
    }

    [Fact]
    public async Task ApplyAsync_CustomRecipientWithoutTarget_UsesTemplates()
    {
        var value = Recipient(ObjectClass.CustomRecipient, "dougd", "Doug", "Dosdall");

        await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct);

        Assert.Equal(["SMTP:Doug.Dosdall@x.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_SeveralPrimariesOfAType_KeepsTheFirst()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "SMTP:a@x.com", "SMTP:b@x.com", "x400:c=US;s=Dosdall;");

        var changed = await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["SMTP:a@x.com", "smtp:b@x.com", "X400:c=US;s=Dosdall;"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_TypeWithoutPrimary_PromotesItsFirstAddress()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall", "smtp:first@else.com", "EDK:dougd@Site1.Testorg.com", "smtp:second@else.com");

        var changed = await new ProxyGenerator([Edk]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct);

        Assert.True(changed);
        Assert.Equal(["SMTP:first@else.com", "EDK:dougd@Site1.Testorg.com", "smtp:second@else.com"], Addresses(value));
    }

    [Fact]
    public async Task ApplyAsync_GenerationFails_Throws()
    {
        var value = Mailbox("()", null, null);

        await Assert.ThrowsAsync<InvalidValueException>(
            async () => await new ProxyGenerator([Smtp]).ApplyAsync(value, ProxyUpdate.Create, new FakeStore().IsTaken, Ct));
    }

    [Fact]
    public void ProxyUpdate_Regenerates_MatchesFieldsOrType()
    {
        Assert.False(ProxyUpdate.Create.Regenerates(Smtp));
        Assert.True(ProxyUpdate.FieldsChanged(TemplateFields.Surname | TemplateFields.Initials).Regenerates(Smtp));
        Assert.False(ProxyUpdate.FieldsChanged(TemplateFields.Alias).Regenerates(Smtp));
        Assert.True(ProxyUpdate.TemplateChanged("edk").Regenerates(Edk));
        Assert.False(ProxyUpdate.TemplateChanged("EDK").Regenerates(Smtp));
    }

    [Fact]
    public void RecipientNames_From_ReadsObjectAndAttributes()
    {
        var value = Mailbox("dougd", "Doug", "Dosdall");
        value.DisplayName = "Doug Dosdall";
        value.Attributes.Set(AttributeCatalog.Initials, ["DD"]);

        Assert.Equal(new RecipientNames("dougd", "Doug", "Dosdall", "Doug Dosdall", "DD"), RecipientNames.From(value));
    }

    [Fact]
    public void RecipientNames_ChangedFields_NamesEachDifferentField()
    {
        var before = new RecipientNames("dougd", "Doug", "Dosdall", "Doug Dosdall", null);
        var after = new RecipientNames("dougd", "Doug", "Smith", "Doug Smith", "");

        Assert.Equal(TemplateFields.Surname | TemplateFields.DisplayName, RecipientNames.ChangedFields(before, after));
    }

    // Stands in for a store: the addresses other objects hold, and a record of what was asked.
    private sealed class FakeStore(params string[] taken)
    {
        private readonly HashSet<string> _taken = [.. taken.Select(t => ProxyAddress.Parse(t).Key)];

        public List<string> Asked { get; } = [];

        public ValueTask<bool> IsTaken(ProxyAddress address, CancellationToken cancellationToken)
        {
            Asked.Add(address.ToString());
            return ValueTask.FromResult(_taken.Contains(address.Key));
        }
    }
}

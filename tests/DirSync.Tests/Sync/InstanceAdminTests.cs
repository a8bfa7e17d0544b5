using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Sync;

public sealed class InstanceAdminTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private SqliteDirectoryStore _store = null!;

    private InstanceAdmin Admin => new(_store);

    private string StorePath => _folder.File("server1.db");

    public async ValueTask InitializeAsync() => _store = await StoreFactory.CreateAsync(StorePath);

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private Task<(Instance Instance, bool Created)> SetAsync(string name, InstanceChanges changes) => Admin.SetAsync(name, changes, _folder.Path);

    private static InstanceChanges Export(string file = "SYNC1") => new() { Direction = InstanceDirection.Export, File = file };

    private Task<T> RefusedAsync<T>(Func<Task> action)
        where T : DirSyncException => TwoServers.RefusedAsync<T>(_store, action);

    [Fact]
    public async Task Set_NewExportInstance_SavesTheDefaultsAndAnAbsolutePath()
    {
        var (instance, created) = await SetAsync("INSTANCE1", Export(Path.Combine("out", "SYNC1")));

        Assert.True(created);
        Assert.Equal("INSTANCE1", instance.Name);
        Assert.Equal(new InstanceSettings { Direction = InstanceDirection.Export, ExportFile = _folder.File(Path.Combine("out", "SYNC1")) }, instance.Settings);
        Assert.Equal([DirectoryPath.Recipients], instance.Settings.Containers);
        Assert.Equal(InstanceSettings.DefaultExportAttributes, instance.Settings.ExportAttributes);
        Assert.Equal(34, instance.Settings.ExportAttributes.Count);
        Assert.Equal([ObjectClass.Mailbox], instance.Settings.Classes);
        Assert.Equal(("EDK", ObjectClass.CustomRecipient, ChangeSetFormat.Ldif), (instance.Settings.AddressType, instance.Settings.ImportObjectClass, instance.Settings.Format));
        Assert.Equal(new InstanceState(), instance.State);
    }

    [Fact]
    public async Task Set_EverySetting_IsStoredAndSurvivesReopening()
    {
        var admin = new DirectoryAdmin(_store);
        await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
        await admin.AddContainerAsync(DirectoryPath.Parse("Imported"));
        var changes = new InstanceChanges
        {
            Direction = InstanceDirection.Both,
            ExportFile = "SYNC1",
            ImportFile = Path.Combine(_folder.Path, "in", "SYNC2"),
            Containers = ["Recipients", "Recipients/Sales"],
            IncludeSubcontainers = true,
            Attributes = ["Title", "telephoneNumber", "Telephone-Office2"],
            Classes = ["mailbox", "remote", "custom-recipient"],
            AddressType = "smtp",
            TargetContainer = "Imported",
            ImportObjectClass = "Mailbox",
            MultiValueAppend = true,
            Format = "EDK",
        };

        var (instance, _) = await SetAsync("INSTANCE1", changes);
        await _store.DisposeAsync();
        _store = await SqliteDirectoryStore.OpenAsync(StorePath);
        var reopened = await Admin.GetAsync("instance1");

        var expected = new InstanceSettings
        {
            Direction = InstanceDirection.Both,
            ExportFile = _folder.File("SYNC1"),
            ImportFile = Path.Combine(_folder.Path, "in", "SYNC2"),
            Containers = [DirectoryPath.Recipients, DirectoryPath.Parse("Recipients/Sales")],
            IncludeSubcontainers = true,
            ExportAttributes = [AttributeCatalog.Get("title"), AttributeCatalog.Get("telephoneNumber"), AttributeCatalog.Get("otherTelephone")],
            Classes = [ObjectClass.Mailbox, ObjectClass.CustomRecipient],
            AddressType = "SMTP",
            TargetContainer = DirectoryPath.Parse("Imported"),
            ImportObjectClass = ObjectClass.Mailbox,
            MultiValueAppend = true,
            Format = ChangeSetFormat.Edk,
        };
        Assert.Equal(expected, instance.Settings);
        Assert.Equal(expected, reopened.Settings);
        Assert.Equal("INSTANCE1", reopened.Name);
    }

    [Fact]
    public async Task Set_ExistingInstance_ChangesOnlyWhatIsGivenAndKeepsItsState()
    {
        await SetAsync("INSTANCE1", Export() with { Attributes = ["title"] });
        await new DirectoryAdmin(_store).AddRecipientAsync(ObjectClass.Mailbox, "Mailbox11", new RecipientChanges());
        await new Exporter(_store, ChangeSetCodecs.Default).ExportAsync("INSTANCE1");
        var exported = await Admin.GetAsync("INSTANCE1");

        var (instance, created) = await SetAsync("instance1", new InstanceChanges { Format = "edk" });

        Assert.False(created);
        Assert.Equal("INSTANCE1", instance.Name);
        Assert.Equal(exported.Settings with { Format = ChangeSetFormat.Edk }, instance.Settings);
        Assert.Equal(exported.State, instance.State);
        Assert.Equal((1L, 1L), (instance.State.LastUsn, instance.State.LastSequence));
        Assert.Equal(["INSTANCE1"], (await _store.ListInstancesAsync()).Select(i => i.Name));
    }

    [Fact]
    public async Task Set_IdentityAndAddressAttributesInTheExportList_AreLeftOutBecauseEveryRecordCarriesThem()
    {
        var (instance, _) = await SetAsync("INSTANCE1", Export() with { Attributes = ["Common-Name", "Display-Name", "Proxy-Addresses", "Obj-Class", "Target-Address", "title", "Title", ""] });

        Assert.Equal([AttributeCatalog.Get("title")], instance.Settings.ExportAttributes);
    }

    [Fact]
    public async Task Set_EmptyExportList_ExportsNamesAndAddressesOnly()
    {
        var (instance, _) = await SetAsync("INSTANCE1", Export() with { Attributes = ["Common-Name", "Display-Name"] });

        Assert.Empty(instance.Settings.ExportAttributes);
    }

    [Theory]
    [InlineData("Titel", "unknown attribute 'Titel'; did you mean 'Title'?")]
    [InlineData("member", "member cannot be exported: a list reaches the other side as a custom recipient, without members")]
    [InlineData("USN-Changed", "uSNChanged is kept by each directory itself and cannot be exported")]
    [InlineData("objectGUID", "objectGUID is kept by each directory itself and cannot be exported")]
    public async Task Set_AttributeThatCannotBeExported_IsRefusedAndNothingIsSaved(string attribute, string message)
    {
        await SetAsync("INSTANCE1", Export() with { Attributes = ["title"] });

        var error = await RefusedAsync<InvalidValueException>(() => SetAsync("INSTANCE1", new InstanceChanges { Attributes = ["Common-Name", attribute], Format = "edk" }));

        Assert.Equal(message, error.Message);
        Assert.Equal(ErrorCategory.InvalidValue, error.Category);
    }

    [Theory]
    [InlineData(null, "SYNC1", null, "instance 'INSTANCE1' does not exist yet; say what it does with --export, --import or --both")]
    [InlineData(InstanceDirection.Both, "SYNC1", null, "--file is ambiguous for an instance that exports and imports; give --export-file and --import-file")]
    [InlineData(InstanceDirection.Both, null, "SYNC1", "instance 'INSTANCE1' imports, so it needs an import file (--file or --import-file) or a directory (--ldap URL --base-dn DN)")]
    [InlineData(InstanceDirection.Export, null, null, "instance 'INSTANCE1' exports, so it needs an export file (--file or --export-file) or a directory (--ldap URL --base-dn DN)")]
    [InlineData(InstanceDirection.Import, null, null, "instance 'INSTANCE1' imports, so it needs an import file (--file or --import-file) or a directory (--ldap URL --base-dn DN)")]
    [InlineData(InstanceDirection.Export, " ", null, "a file path cannot be empty")]
    public async Task Set_DirectionAndFilesThatDoNotFit_AreRefused(InstanceDirection? direction, string? file, string? exportFile, string message)
    {
        var error = await RefusedAsync<InvalidValueException>(() => SetAsync("INSTANCE1", new InstanceChanges { Direction = direction, File = file, ExportFile = exportFile }));

        Assert.Equal(message, error.Message);
        Assert.Empty(await _store.ListInstancesAsync());
    }

    [Theory]
    [InlineData("my instance", "invalid instance name 'my instance': an instance name may hold only letters, digits, '-', '_' and '.'")]
    [InlineData("", "invalid instance name '': an instance name is 1 to 64 characters")]
    [InlineData("INSTANCE/1", "invalid instance name 'INSTANCE/1': an instance name may hold only letters, digits, '-', '_' and '.'")]
    public async Task Set_InvalidName_IsRefused(string name, string message)
    {
        var error = await RefusedAsync<InvalidValueException>(() => SetAsync(name, Export()));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Set_NameOfSixtyFourCharacters_IsTheLongestAccepted()
    {
        var (instance, _) = await SetAsync(new string('I', 64), Export());
        var error = await RefusedAsync<InvalidValueException>(() => SetAsync(new string('I', 65), Export()));

        Assert.Equal(64, instance.Name.Length);
        Assert.Equal($"invalid instance name '{new string('I', 65)}': an instance name is 1 to 64 characters", error.Message);
    }

    [Theory]
    [InlineData("Containers", "Recipients/Nope", "container 'Recipients/Nope' does not exist; create it with 'dirsync container add Recipients/Nope'")]
    [InlineData("TargetContainer", "Imported", "container 'Imported' does not exist; create it with 'dirsync container add Imported'")]
    public async Task Set_UnknownContainer_IsNotFound(string setting, string container, string message)
    {
        var changes = setting == "Containers" ? Export() with { Containers = [container] } : Export() with { TargetContainer = container };

        var error = await RefusedAsync<NotFoundException>(() => SetAsync("INSTANCE1", changes));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("Classes", "", "--classes needs at least one class: mailbox, custom-recipient (or remote), dl (or distribution-list)")]
    [InlineData("Classes", "people", "unknown object class 'people'; use one of: mailbox, custom-recipient (or remote), dl (or distribution-list)")]
    [InlineData("ImportObjectClass", "dl", "an import creates custom recipients or mailboxes, not distribution lists")]
    [InlineData("AddressType", "E D K", "invalid address type 'E D K': use letters and digits, such as EDK or SMTP")]
    [InlineData("Format", "csv", "unknown format 'csv'; use ldif or edk")]
    public async Task Set_InvalidValue_IsRefusedNamingTheValidOnes(string setting, string value, string message)
    {
        var changes = setting switch
        {
            "Classes" => Export() with { Classes = value.Length == 0 ? [] : [value] },
            "ImportObjectClass" => Export() with { ImportObjectClass = value },
            "AddressType" => Export() with { AddressType = value },
            _ => Export() with { Format = value },
        };

        var error = await RefusedAsync<InvalidValueException>(() => SetAsync("INSTANCE1", changes));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Set_EmptyContainerList_FallsBackToRecipients()
    {
        var (instance, _) = await SetAsync("INSTANCE1", Export() with { Containers = [] });

        Assert.Equal([DirectoryPath.Recipients], instance.Settings.Containers);
    }

    [Fact]
    public async Task Remove_Instance_RemovesItAndLeavesItsImportsInPlace()
    {
        await using var source = await StoreFactory.CreateAsync(_folder.File("server2.db"), site: "Site2", server: "Server2");
        await new DirectoryAdmin(source).AddRecipientAsync(ObjectClass.Mailbox, "Mailbox21", new RecipientChanges());
        await new InstanceAdmin(source).SetAsync("INSTANCE3", Export("SYNC2"), _folder.Path);
        await new Exporter(source, ChangeSetCodecs.Default).ExportAsync("INSTANCE3");
        await SetAsync("INSTANCE4", new InstanceChanges { Direction = InstanceDirection.Import, File = "SYNC2" });
        await SetAsync("INSTANCE1", Export());
        await new Importer(_store, ChangeSetCodecs.Default).ImportAsync("INSTANCE4");

        await Admin.RemoveAsync("instance4");

        Assert.Equal(["INSTANCE1"], (await _store.ListInstancesAsync()).Select(i => i.Name));
        Assert.Equal("Testorg/Site2/Server2 (INSTANCE3)", (await _store.FindByAliasAsync("Mailbox21"))?.Origin?.ImportedFrom);
    }

    [Fact]
    public async Task Remove_UnknownInstance_IsNotFound()
    {
        await SetAsync("INSTANCE1", Export());

        var error = await RefusedAsync<NotFoundException>(() => Admin.RemoveAsync("INSTANCE2"));

        Assert.Equal("instance 'INSTANCE2' does not exist; see 'dirsync instance list'", error.Message);
    }

    [Fact]
    public async Task Get_UnknownInstance_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() => Admin.GetAsync("INSTANCE1"));

        Assert.Equal("instance 'INSTANCE1' does not exist; see 'dirsync instance list'", error.Message);
    }
}

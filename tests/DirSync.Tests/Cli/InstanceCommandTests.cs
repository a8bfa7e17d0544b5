using System.Globalization;
using System.Text.Json;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync instance set|list|show|remove</c>, in text and JSON.</summary>
public sealed class InstanceCommandTests
{
    private const int InvalidValue = 3;
    private const int NotFound = 4;

    private static readonly string[] DefaultAttributes = InstanceSettings.DefaultExportAttributes.Select(a => a.LdapName).ToArray();

    [Fact]
    public async Task Set_NewInstances_SayWhatEachDoes()
    {
        using var sites = await CliSites.CreateAsync();

        var export = await sites.OkAsync(sites.Server1, "instance", "set", "EXP", "--export", "--file", "out.ldif", "--format", "edk");
        var both = await sites.OkAsync(sites.Server1, "instance", "set", "BOTH", "--both", "--export-file", "a", "--import-file", "b", "--container", "Recipients", "--target-container", "Recipients");
        var changed = await sites.OkAsync(sites.Server1, "instance", "set", "exp", "--format", "ldif");

        Assert.Equal($"Created instance EXP: exports Recipients to {sites.Folder.File("out.ldif")} (edk)\n", export.Out);
        Assert.Equal($"Created instance BOTH: exports Recipients to {sites.Folder.File("a")} (ldif); imports {sites.Folder.File("b")} into Recipients\n", both.Out);
        Assert.Equal($"Changed instance EXP: exports Recipients to {sites.Folder.File("out.ldif")} (ldif)\n", changed.Out);
    }

    [Fact]
    public async Task Show_NewInstance_PrintsEverySettingAsTheOriginalsDisplayDid()
    {
        using var sites = await CliSites.CreateAsync();
        await sites.OkAsync(sites.Server1, "container", "add", "Recipients/Sales");
        await sites.OkAsync(
            sites.Server1, "instance", "set", "INSTANCE7", "--export", "--file", "SYNC7", "--format", "edk", "--container", "Recipients", "--container", "Recipients/Sales",
            "--subcontainers", "--attributes", "Title,Telephone-Office2", "--classes", "mailbox,custom-recipient,dl", "--mv-append");

        var result = await sites.OkAsync(sites.Server1, "instance", "show", "instance7");

        Assert.Equal(
            "Instance:             INSTANCE7\n"
            + $"Does:                 export\n"
            + $"Export file:          {sites.Folder.File("SYNC7")}\n"
            + "Import file:          -\n"
            + "Format:               edk\n"
            + "Containers:           Recipients, Recipients/Sales (and below)\n"
            + "Classes:              mailbox, custom-recipient, distribution-list\n"
            + "Export list:          title, otherTelephone\n"
            + "Address type:         EDK\n"
            + "Target container:     Recipients\n"
            + "Imports create:       custom recipients\n"
            + "MV append:            yes\n"
            + "Relay:                no\n"
            + "Delete limit:         default (500, or 10% of what the source owns; at least 10)\n"
            + "Last USN:             0\n"
            + "Last sequence:        0\n"
            + "Next export:          -\n"
            + "Watermark store:      -\n"
            + "Last export:          -\n"
            + "Source:               -\n"
            + "Last imported:        0\n"
            + "Last import:          -\n",
            result.Out);
    }

    [Fact]
    public async Task Show_ImportInstanceAfterARun_PrintsItsSourceAndState()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        var (state, server1) = await StateAsync(sites.Server2, "INSTANCE2", sites.Server1);

        var text = await sites.OkAsync(sites.Server2, "instance", "show", "INSTANCE2");

        var lines = text.Out.Split('\n');
        Assert.Equal(
        [
            "Export list:          " + string.Join(", ", DefaultAttributes),
            "Imports create:       custom recipients",
            $"Source:               Testorg/Site1/Server1 (INSTANCE1, store {server1})",
            "Last imported:        1",
            $"Last import:          {state.LastImport!.Value.ToString("u", CultureInfo.InvariantCulture)}",
        ],
            lines.Where(l => l.StartsWith("Export list", StringComparison.Ordinal) || l.StartsWith("Imports", StringComparison.Ordinal) || l.StartsWith("Source", StringComparison.Ordinal) || l.StartsWith("Last im", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Show_Json_HasEverySettingAndTheState()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        var (state, server1) = await StateAsync(sites.Server2, "INSTANCE2", sites.Server1);

        var result = await sites.OkAsync(sites.Server2, "instance", "show", "INSTANCE2", "--json");

        var expected = JsonSerializer.Serialize(new
        {
            name = "INSTANCE2",
            direction = "import",
            exportFile = (string?)null,
            importFile = sites.Sync1,
            format = "ldif",
            containers = new[] { "Recipients" },
            subcontainers = false,
            attributes = DefaultAttributes,
            classes = new[] { "mailbox" },
            addressType = "EDK",
            targetContainer = "Recipients",
            objectClass = "custom-recipient",
            mvAppend = false,
            relay = false,
            deleteLimit = (long?)null,
            state = new
            {
                lastUsn = 0,
                lastSequence = 0,
                watermarkIdentity = (string?)null,
                fullExportRequired = (string?)null,
                lastExport = (string?)null,
                sourceIdentity = server1.ToString(),
                sourceName = "Testorg/Site1/Server1",
                sourceInstance = "INSTANCE1",
                lastImportedSequence = 1,
                lastImport = state.LastImport!.Value.ToString("O", CultureInfo.InvariantCulture),
            },
        });
        Assert.Equal(expected, SyncJson.Canonical(result.Out));
        Assert.EndsWith("}\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Instances_PrintsOneRowEachOrderedByName()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server2, "instance", "set", "INSTANCE3", "--export", "--file", "SYNC2", "--format", "edk");

        var result = await sites.OkAsync(sites.Server2, "instance", "list");

        Assert.Equal(
            "NAME       DOES    FORMAT  LAST USN  EXPORTED  IMPORTED  SOURCE\n"
            + "---------  ------  ------  --------  --------  --------  ---------------------\n"
            + "INSTANCE2  import  ldif    0         -         #1        Testorg/Site1/Server1\n"
            + "INSTANCE3  export  edk     0         -         -         -\n",
            result.Out);
    }

    [Fact]
    public async Task List_Json_IsAnArrayOfTheShowShape()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        var (state, _) = await StateAsync(sites.Server1, "INSTANCE1", sites.Server1);

        var result = await sites.OkAsync(sites.Server1, "instance", "list", "--json");

        var expected = JsonSerializer.Serialize(new[]
        {
            new
            {
                name = "INSTANCE1",
                direction = "export",
                exportFile = (string?)sites.Sync1,
                importFile = (string?)null,
                format = "ldif",
                containers = new[] { "Recipients" },
                subcontainers = false,
                attributes = Array.Empty<string>(),
                classes = new[] { "mailbox" },
                addressType = "EDK",
                targetContainer = "Recipients",
                objectClass = "custom-recipient",
                mvAppend = false,
                relay = false,
                deleteLimit = (long?)null,
                state = new
                {
                    lastUsn = 3,
                    lastSequence = 1,
                    watermarkIdentity = (string?)state.WatermarkIdentity.ToString(),
                    fullExportRequired = (string?)null,
                    lastExport = (string?)state.LastExport!.Value.ToString("O", CultureInfo.InvariantCulture),
                    sourceIdentity = (string?)null,
                    sourceName = (string?)null,
                    sourceInstance = (string?)null,
                    lastImportedSequence = 0,
                    lastImport = (string?)null,
                },
            },
        });
        Assert.Equal(expected, SyncJson.Canonical(result.Out));
    }

    [Fact]
    public async Task List_NoInstances_PrintsTheHeaderOrAnEmptyArray()
    {
        using var sites = await CliSites.CreateAsync();
        await sites.OkAsync(sites.Server1, "instance", "remove", "INSTANCE1");

        var text = await sites.OkAsync(sites.Server1, "instance", "list");
        var json = await sites.OkAsync(sites.Server1, "instance", "list", "--json");

        Assert.Equal("NAME  DOES  FORMAT  LAST USN  EXPORTED  IMPORTED  SOURCE\n----  ----  ------  --------  --------  --------  ------\n", text.Out);
        Assert.Equal("[]\n", json.Out);
    }

    [Fact]
    public async Task Remove_Instance_SaysSoAndKeepsWhatItImported()
    {
        using var sites = await CliSites.CreateSyncedAsync();

        var result = await sites.OkAsync(sites.Server2, "instance", "remove", "INSTANCE2");

        Assert.Equal("Removed instance INSTANCE2\n", result.Out);
        Assert.Equal("[]\n", (await sites.OkAsync(sites.Server2, "instance", "list", "--json")).Out);
        Assert.Equal(4, SyncJson.Recipients((await sites.OkAsync(sites.Server2, "recipients", "list", "--json")).Out).Count);
    }

    [Fact]
    public async Task Set_UnknownAttributeInTheExportList_ExitsWithInvalidValueAndSavesNothing()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(
            sites.Server1,
            InvalidValue,
            "unknown attribute 'Titel'; did you mean 'Title'?",
            "instance", "set", "INSTANCE1", "--attributes", "Common-Name,Display-Name,Titel");
        await sites.FailsAsync(
            sites.Server1,
            InvalidValue,
            "unknown attribute 'Favourite-Colour'; see 'dirsync attributes' for the list",
            "instance", "set", "INSTANCE8", "--export", "--file", "SYNC8", "--attributes", "Favourite-Colour");
    }

    [Theory]
    [InlineData(InvalidValue, "give only one of --export, --import and --both", "instance", "set", "INSTANCE9", "--export", "--import", "--file", "x")]
    [InlineData(InvalidValue, "instance 'INSTANCE9' does not exist yet; say what it does with --export, --import or --both", "instance", "set", "INSTANCE9", "--file", "x")]
    [InlineData(InvalidValue, "invalid instance name 'INSTANCE 9': an instance name may hold only letters, digits, '-', '_' and '.'", "instance", "set", "INSTANCE 9", "--export", "--file", "x")]
    [InlineData(InvalidValue, "member cannot be exported: a list reaches the other side as a custom recipient, without members", "instance", "set", "INSTANCE1", "--attributes", "member")]
    [InlineData(NotFound, "container 'Sales' does not exist; create it with 'dirsync container add Sales'", "instance", "set", "INSTANCE1", "--container", "Sales")]
    [InlineData(NotFound, "instance 'INSTANCE9' does not exist; see 'dirsync instance list'", "instance", "show", "INSTANCE9")]
    [InlineData(NotFound, "instance 'INSTANCE9' does not exist; see 'dirsync instance list'", "instance", "remove", "INSTANCE9")]
    public async Task Instance_BadInput_ExitsWithOneLineAndSavesNothing(int exitCode, string message, params string[] args)
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(sites.Server1, exitCode, message, args);
    }

    /// <summary>The stored state of an instance and the identity of a store, read straight from the files.</summary>
    private static async Task<(InstanceState State, Guid Identity)> StateAsync(string store, string instance, string identityOf)
    {
        InstanceState state;
        await using (var opened = await TestStores.OpenAsync(store))
        {
            state = (await opened.FindInstanceAsync(instance))!.State;
        }

        await using var other = await TestStores.OpenAsync(identityOf);
        return (state, other.Info.Identity);
    }
}

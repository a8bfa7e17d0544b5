using DirSync.Core.Hub;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>--password-file</c> on <c>requestor enable</c> and <c>server add-requestor</c>: the password without a process list to show it.</summary>
public sealed class PasswordFileTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await CliStore.InitAsync();
        Directory.CreateDirectory(_store.Folder.File("po1-in"));
        Directory.CreateDirectory(_store.Folder.File("hub-in"));
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private string Write(string name, string text)
    {
        var path = _store.Folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private string[] Enable(params string[] password) =>
        ["requestor", "enable", "--name", "NET/PO1", "--inbox", _store.Folder.File("po1-in"), "--server-inbox", _store.Folder.File("hub-in"), .. password];

    private async Task<string?> RequestorKeyAsync()
    {
        await using var store = await TestStores.OpenAsync(_store.Path);
        return (await HubSettings.RequestorAsync(store))?.Key;
    }

    private async Task<string?> RegisteredKeyAsync(string name)
    {
        await using var store = await TestStores.OpenAsync(_store.Path);
        return (await HubSettings.RegisteredAsync(store, name))?.Key;
    }

    [Theory]
    [InlineData("s3cret\n")]
    [InlineData("s3cret\r\n")]
    [InlineData("s3cret")]
    [InlineData("s3cret\nsecond line is not part of it\n")]
    public async Task RequestorEnable_PasswordFile_DerivesTheKeyOfItsFirstLine(string content)
    {
        await _store.RunOkAsync(Enable("--password-file", Write("pw.txt", content)));

        Assert.Equal(HubKey.Derive("NET/PO1", "s3cret"), await RequestorKeyAsync());
    }

    [Fact]
    public async Task ServerAddRequestor_PasswordFile_RegistersTheSameKeyAsThePasswordItself()
    {
        await _store.RunOkAsync("server", "enable", "--inbox", _store.Folder.File("hub-in"));

        await _store.RunOkAsync("server", "add-requestor", "NET/PO2", "--inbox", _store.Folder.File("po1-in"), "--password-file", Write("pw.txt", "pw-PO2\n"));

        Assert.Equal(HubKey.Derive("NET/PO2", "pw-PO2"), await RegisteredKeyAsync("NET/PO2"));
    }

    [Fact]
    public async Task RequestorEnable_PasswordAndPasswordFile_ExitsTwoAndChangesNothing()
    {
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync(Enable("--password", "a", "--password-file", Write("pw.txt", "b\n")));

        CommandRunnerTests.AssertError(result, 2, "give --password or --password-file, not both (see 'dirsync requestor enable --help')");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task RequestorEnable_MissingPasswordFile_ExitsElevenNamingTheFileAndChangesNothing()
    {
        var before = await _store.SnapshotAsync();
        var missing = _store.Folder.File("nowhere/pw.txt");

        var result = await _store.RunAsync(Enable("--password-file", missing));

        CommandRunnerTests.AssertError(
            result, 11, $"the password file '{missing}' does not exist; write the password on its first line (readable by this user only)");
        Assert.Equal(before, await _store.SnapshotAsync());
    }
}

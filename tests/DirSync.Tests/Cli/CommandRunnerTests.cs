using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Cli;

/// <summary>Every bad input a command body meets: one line on stderr, nothing on stdout, its exit code, and the store unchanged.</summary>
public sealed class CommandRunnerTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await CliStore.InitAsync();
        await _store.RunOkAsync("container", "add", "Recipients/Sales");
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");
        await _store.RunOkAsync("mailbox", "add", "dougd", "--given-name", "Doug", "--surname", "Dosdall", "--container", "Recipients/Sales");
        await _store.RunOkAsync("custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.net");
        await _store.RunOkAsync("dl", "add", "List", "--member", "Mailbox11");
        await _store.RunOkAsync("mailbox", "add", "Gone");
        await _store.RunOkAsync("mailbox", "remove", "Gone");
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private const string ValidTokens =
        "valid tokens are %g (given name), %s (surname), %d (display name), %m (alias), %i (initials), %% (a literal %), "
        + "%rXY (replace X by Y in what follows; X = Y deletes X), with an optional length digit 1-9 as in %1g";

    /// <summary>Asserts the result is exactly one error line with the exit code.</summary>
    internal static void AssertError(CliResult result, int exitCode, string message)
    {
        Assert.True(exitCode == result.ExitCode, $"expected exit {exitCode}: {result}");
        Assert.Equal("", result.Out);
        Assert.Equal($"dirsync: {message}{Environment.NewLine}", result.Error);
        Assert.Single(result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    public static TheoryData<string[], int, string> BadInputs() => new()
    {
        // Duplicate aliases and addresses: 5.
        { ["mailbox", "add", "Mailbox11"], 5, "the alias 'Mailbox11' is already used by mailbox 'Mailbox11'; choose another alias" },
        { ["dl", "add", "MAILBOX11"], 5, "the alias 'MAILBOX11' is already used by mailbox 'Mailbox11'; choose another alias" },
        { ["custom-recipient", "add", "joe", "--target-address", "SMTP:other@example.net"], 5, "the alias 'joe' is already used by custom-recipient 'joe'; choose another alias" },
        { ["mailbox", "set", "dougd", "--alias", "mailbox11"], 5, "the alias 'mailbox11' is already used by mailbox 'Mailbox11'; choose another alias" },
        { ["mailbox", "add", "New", "--attr", "proxyAddresses=smtp:MAILBOX11@site1.testorg.com"], 5, "the address smtp:MAILBOX11@site1.testorg.com is already used by another recipient" },
        { ["container", "add", "recipients/sales"], 5, "container 'recipients/sales' already exists" },

        // Unknown recipients, members and containers: 4.
        { ["mailbox", "set", "Ghost", "--display-name", "G"], 4, "recipient 'Ghost' does not exist; see 'dirsync recipients list'" },
        { ["mailbox", "remove", "Gone"], 4, "recipient 'Gone' does not exist; see 'dirsync recipients list'" },
        { ["dl", "remove", "Ghost"], 4, "recipient 'Ghost' does not exist; see 'dirsync recipients list'" },
        { ["recipients", "show", "Ghost"], 4, "recipient 'Ghost' does not exist; see 'dirsync recipients list'" },
        { ["mailbox", "add", "New", "--container", "Recipients/Nope"], 4, "container 'Recipients/Nope' does not exist; create it with 'dirsync container add Recipients/Nope'" },
        { ["mailbox", "set", "Mailbox11", "--container", "Archive"], 4, "container 'Archive' does not exist; create it with 'dirsync container add Archive'" },
        { ["recipients", "list", "--container", "Recipients/Nope"], 4, "container 'Recipients/Nope' does not exist; see 'dirsync container list'" },
        { ["container", "add", "Recipients/A/B"], 4, "container 'Recipients/A' does not exist; add it first ('dirsync container add Recipients/A')" },
        { ["dl", "add", "New", "--member", "Mailbox11", "--member", "Ghost"], 4, "recipient 'Ghost' does not exist; a member must exist before it is added to a list" },
        { ["dl", "set", "List", "--remove-member", "dougd"], 4, "member 'dougd' does not exist; 'List' has no such member" },

        // Invalid values: 3.
        { ["mailbox", "add", "New", "--container", "Recipients//Sales"], 3, "invalid container path 'Recipients//Sales': '' is empty (two slashes in a row?)" },
        { ["container", "add", "Recipients/.."], 3, "invalid container path 'Recipients/..': '..' is not a container name" },
        { ["recipients", "list", "--container", "Sales\\West"], 3, "invalid container path 'Sales\\West': 'Sales\\West' contains a control character, '/' or '\\'" },
        { ["address-template", "set", "SMTP", "%q@x.com"], 3, "invalid template '%q@x.com' for SMTP: unknown token '%q' at position 1; " + ValidTokens },
        { ["address-template", "set", "smtp", "%g.%5"], 3, "invalid template '%g.%5' for SMTP: '%5' at position 4 ends the template without a field letter; " + ValidTokens },
        { ["address-template", "set", "SMTP", "%g.%s"], 3, "invalid template '%g.%s' for SMTP: the template needs '@' followed by a literal domain, as in %g.%s@example.com" },
        { ["address-template", "set", "EDK", "%m@%s.com"], 3, "invalid template '%m@%s.com' for EDK: token '%s' at position 4 is in the domain; the domain after '@' must be literal text" },
        { ["address-template", "set", "X 400", "%m"], 3, "invalid template '%m' for X 400: 'X 400' is not an address type (1 to 16 letters, digits, '-' or '_')" },
        { ["mailbox", "add", "New", "--attr", "Title"], 3, "--attr 'Title' is not NAME=VALUE (for example --attr Title=Manager)" },
        { ["mailbox", "add", "New", "--attr", "=Manager"], 3, "--attr '=Manager' is not NAME=VALUE (for example --attr Title=Manager)" },
        { ["mailbox", "add", "New", "--attr", "Titel=Manager"], 3, "unknown attribute 'Titel'; did you mean 'Title'?" },
        { ["mailbox", "set", "Mailbox11", "--attr", "favouriteColour=blue"], 3, "unknown attribute 'favouriteColour'; see 'dirsync attributes' for the list" },
        { ["mailbox", "set", "Mailbox11", "--attr", "uSNChanged=99"], 3, "uSNChanged is kept by the directory and cannot be set" },
        { ["mailbox", "set", "Mailbox11", "--attr", "USN-Created=1"], 3, "uSNCreated is kept by the directory and cannot be set" },
        { ["mailbox", "set", "Mailbox11", "--attr", "Imported-From=elsewhere"], 3, "importedFrom is kept by the directory and cannot be set" },
        { ["mailbox", "add", "New", "--attr", "objectClass=dl"], 3, "objectClass cannot be changed; remove the recipient and add it with the new class" },
        { ["mailbox", "set", "Mailbox11"], 3, "nothing to change; give at least one option (see --help)" },
        { ["dl", "set", "List", "--json"], 3, "nothing to change; give at least one option (see --help)" },
        { ["mailbox", "set", "joe", "--display-name", "Joe"], 3, "'joe' is a custom-recipient, not a mailbox; use 'dirsync custom-recipient set joe'" },
        { ["custom-recipient", "set", "List", "--display-name", "L"], 3, "'List' is a distribution-list, not a custom-recipient; use 'dirsync dl set List'" },
        { ["dl", "remove", "Mailbox11"], 3, "'Mailbox11' is a mailbox, not a distribution-list; use 'dirsync mailbox remove Mailbox11'" },
        { ["mailbox", "remove", "List"], 3, "'List' is a distribution-list, not a mailbox; use 'dirsync dl remove List'" },
        { ["custom-recipient", "add", "New", "--target-address", "joe@example.net"], 3, "invalid address 'joe@example.net': expected TYPE:address, such as SMTP:joe@example.com" },
        { ["custom-recipient", "set", "joe", "--target-address", "SMTP:"], 3, "invalid address 'SMTP:': the address after the type is empty" },
        { ["mailbox", "add", "New", "--attr", "targetAddress=SMTP:new@example.net"], 3, "only a custom recipient has a target address; 'New' is a mailbox" },
        { ["mailbox", "add", "New", "--attr", "member=Mailbox11"], 3, "only a distribution list has members; 'New' is a mailbox" },
        { ["dl", "set", "List", "--add-member", "list"], 3, "'List' cannot be a member of itself" },
        { ["dl", "set", "List", "--add-member", "Mailbox11"], 3, "'Mailbox11' is already a member of 'List'" },
        { ["mailbox", "add", "New", "--given-name", "A", "--attr", "Given-Name=B"], 3, "givenName takes one value, not 2" },
        { ["mailbox", "add", "New", "--display-name", "A", "--attr", "displayName=B"], 3, "displayName takes one value" },
        { ["mailbox", "add", "New", "--attr", "initials=ABCDEFG"], 3, "the value of initials is 7 characters; the limit is 6" },
        { ["mailbox", "add", "New", "--attr", "title=Man\u0001ager"], 3, "the value of title contains a control character" },
        { ["mailbox", "add", "New", "--attr", "otherTelephone=+1 1", "--attr", "Telephone-Office2=+1 1"], 3, "otherTelephone has the value '+1 1' twice" },
        { ["mailbox", "add", "New", "--attr", "proxyAddresses=SMTP:a@example.com", "--attr", "proxyAddresses=SMTP:b@example.com"], 3, "more than one primary SMTP address; write the others with a lower-case type (smtp:...)" },
        { ["mailbox", "add", "Sales/West"], 3, "invalid alias 'Sales/West': an alias cannot contain control characters, '/' or '\\'" },
        { ["mailbox", "set", "Mailbox11", "--alias", " Mailbox11"], 3, "invalid alias ' Mailbox11': an alias cannot start or end with white space" },
        { ["mailbox", "add", "New", "--display-name", ""], 3, "invalid display name '': a display name cannot be empty" },
        { ["mailbox", "add", "New", "--display-name", "two\nlines"], 3, "invalid display name 'two\\nlines': a display name cannot contain control characters" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Run_BadInput_PrintsOneLineExitsWithItsCodeAndLeavesTheStoreUnchanged(string[] args, int exitCode, string message)
    {
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync(args);

        AssertError(result, exitCode, message);
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task Run_MissingStore_ExitsSixAndCreatesNothing()
    {
        TestStores.SkipOnPostgres("what a file that is no store does; PostgresDirectoryStoreTests test the databases that are none");
        var path = _store.Folder.File("missing.db");

        var result = await CliRunner.RunAsync(path, "mailbox", "add", "New");

        AssertError(result, 6, $"no store at '{path}'; create one with 'dirsync init --org <Org> --site <Site> --server <Server>' or point --store (or DIRSYNC_STORE) at an existing store");
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Run_ForeignFileAsStore_ExitsSixAndLeavesTheFileAlone()
    {
        TestStores.SkipOnPostgres("what a file that is no store does; PostgresDirectoryStoreTests test the databases that are none");
        var path = _store.Folder.File("notes.txt");
        var content = "Display-Name:Mailbox 11\n" + new string('x', 4096);
        await File.WriteAllTextAsync(path, content);

        var result = await CliRunner.RunAsync(path, "mailbox", "add", "New");

        AssertError(result, 6, $"'{path}' is not a DirSync store (it is not a SQLite database)");
        Assert.Equal(content, await File.ReadAllTextAsync(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public async Task Run_OtherApplicationsDatabaseAsStore_ExitsSixAndLeavesItAlone()
    {
        TestStores.SkipOnPostgres("what a file that is no store does; PostgresDirectoryStoreTests test the databases that are none");
        var path = _store.Folder.File("other.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x); INSERT INTO t VALUES (1)";
            command.ExecuteNonQuery();
        }

        var bytes = await File.ReadAllBytesAsync(path);

        var result = await CliRunner.RunAsync(path, "container", "add", "Recipients/Sales");

        AssertError(result, 6, $"'{path}' is not a DirSync store (it is a SQLite database of another application)");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Run_EmptyFileAsStore_PointsAtAnInterruptedInit()
    {
        TestStores.SkipOnPostgres("what a file that is no store does; PostgresDirectoryStoreTests test the databases that are none");
        var path = _store.Folder.File("empty.db");
        await File.WriteAllBytesAsync(path, []);

        var result = await CliRunner.RunAsync(path, "recipients", "list");

        AssertError(result, 6, $"'{path}' is empty, not a DirSync store (an interrupted 'dirsync init'?); remove it and run init again");
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Run_FolderAsStore_ExitsSix()
    {
        TestStores.SkipOnPostgres("what a file that is no store does; PostgresDirectoryStoreTests test the databases that are none");
        var result = await CliRunner.RunAsync(_store.Folder.Path, CliRunner.NoEnvironment, "--store", _store.Folder.Path, "info");

        AssertError(result, 6, $"'{_store.Folder.Path}' is a folder, not a store file; point --store at the store file");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("86401")]
    public async Task Run_BadLockTimeout_ExitsThreeNamingTheVariable(string value)
    {
        var before = await _store.SnapshotAsync();
        var environment = new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = value };

        var result = await CliRunner.RunAsync(_store.Folder.Path, environment, "--store", _store.Path, "mailbox", "add", "New");

        AssertError(result, 3, $"DIRSYNC_LOCK_TIMEOUT='{value}' is not a number of seconds from 0 to 86400, written as digits with an optional '.' (such as 30 or 0.5)");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task Run_AnotherWriterHoldsTheStore_ExitsSevenAndWritesNothing()
    {
        TestStores.SkipOnPostgres("a SQLite connection holds the lock; ConcurrencyTests hold it with a real process on both");
        var before = await _store.SnapshotAsync();
        var environment = new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "0.2" };
        CliResult result;
        await using (var writer = new SqliteConnection($"Data Source={_store.Path};Pooling=False"))
        {
            writer.Open();
            using var begin = writer.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();

            result = await CliRunner.RunAsync(_store.Folder.Path, environment, "--store", _store.Path, "mailbox", "add", "New");

            // Readers are not blocked by the writer.
            var list = await CliRunner.RunAsync(_store.Folder.Path, environment, "--store", _store.Path, "recipients", "list", "--json");
            Assert.Equal(0, list.ExitCode);
        }

        AssertError(result, 7, $"the store '{_store.Path}' is being written by another process and stayed busy for 0.2 s; try again when it has finished");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task Snapshot_AfterAnySuccessfulWrite_Differs()
    {
        // The guard for every test above: the snapshot sees each kind of change they must not make.
        string[][] writes =
        [
            ["mailbox", "set", "Mailbox11", "--attr", "title=Manager"],
            ["container", "add", "Archive"],
            ["address-template", "set", "X400", "c=US;s=%m;"],
            ["tombstones", "purge", "--older-than", "0"],
        ];
        await Task.Delay(TimeSpan.FromMilliseconds(20));
        foreach (var write in writes)
        {
            var before = await _store.SnapshotAsync();
            await _store.RunOkAsync(write);
            Assert.NotEqual(before, await _store.SnapshotAsync());
        }
    }
}

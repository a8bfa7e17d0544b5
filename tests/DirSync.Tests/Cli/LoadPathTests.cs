using System.Globalization;
using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>
/// The load path (a key filter answering "is it taken?") and the ordinary path give the same store from the same file:
/// on either backend, the real dirsync process imports one change set into two stores alike, one with the filter from the first add
/// (DIRSYNC_KEY_FILTER_AFTER=1), one without it (0), and everything either store then shows is compared.
/// </summary>
public sealed class LoadPathTests : IDisposable
{
    private static readonly Dictionary<string, string> WithFilter = new() { ["DIRSYNC_KEY_FILTER_AFTER"] = "1" };
    private static readonly Dictionary<string, string> WithoutFilter = new() { ["DIRSYNC_KEY_FILTER_AFTER"] = "0" };

    private static readonly string[] Surnames = ["Berg", "Müller", "Østergaard", "Nguyễn", "山田", "Smith"];
    private static readonly string[] GivenNames = ["Anna", "Jürgen", "Zoë", "José", "太郎", "John"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<CliResult> RunAsync(Dictionary<string, string>? environment, params string[] args)
    {
        var result = await CliRunner.RunProcessAsync(_folder.Path, environment, args);
        Assert.True(result.ExitCode == 0, $"dirsync {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>300 mailboxes whose display names repeat (36 distinct), many of them not ASCII, and a list of 60 of them.</summary>
    private static string SourceCsv(int round)
    {
        var csv = new StringBuilder("Obj-Class,Mode,Common-Name,Display-Name,Given-Name,Surname,Title,Member\r\n");
        for (var i = 0; i < 300; i++)
        {
            // Round 2: a tenth of the mailboxes are gone, a tenth renamed onto names others hold, twenty are new.
            if (round == 2 && i % 10 == 3)
            {
                csv.Append(CultureInfo.InvariantCulture, $"Mailbox,Delete,p{i:D3},,,,,\r\n");
                continue;
            }

            var given = GivenNames[i % GivenNames.Length];
            var surname = Surnames[i / GivenNames.Length % Surnames.Length];
            var display = round == 2 && i % 10 == 7 ? $"{GivenNames[0]} {Surnames[0]}" : $"{given} {surname}";
            csv.Append(CultureInfo.InvariantCulture, $"Mailbox,Update,p{i:D3},{display},{given},{surname},Title {i % 7},\r\n");
        }

        for (var i = 300; i < (round == 2 ? 320 : 300); i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Mailbox,Update,p{i:D3},Anna Berg,Anna,Berg,New,\r\n");
        }

        var members = string.Join('%', Enumerable.Range(0, 60).Select(i => i * 5).Where(i => round == 1 || i % 10 != 3).Select(i => $"p{i:D3}"));
        csv.Append(CultureInfo.InvariantCulture, $"dl,Update,list1,Everyone Sixty,,,,{members}\r\n");
        return csv.ToString();
    }

    /// <summary>A site that holds things of its own the import collides with: an alias, display names, a contact for one of the source's addresses.</summary>
    private async Task TargetAsync(string store)
    {
        await RunAsync(null, "--store", store, "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
        await RunAsync(null, "--store", store, "mailbox", "add", "p010", "--display-name", "Local Ten");
        await RunAsync(null, "--store", store, "mailbox", "add", "anna", "--display-name", "Anna Berg");
        await RunAsync(null, "--store", store, "custom-recipient", "add", "joe", "--target-address", "SMTP:p005@Site1.Testorg.com", "--display-name", "Joe For p005");
        await RunAsync(null, "--store", store, "instance", "set", "I", "--import", "--file", "site1.ldif", "--address-type", "SMTP");
    }

    /// <summary>What a store shows: its recipients as the table and the bulk CSV write them.</summary>
    private async Task<string> ShownAsync(string store)
    {
        var list = await RunAsync(null, "--store", store, "recipients", "list");
        var csv = store + ".csv";
        await RunAsync(null, "--store", store, "bulk", "export", csv);
        return list.Out + "\n" + await File.ReadAllTextAsync(_folder.File(csv));
    }

    [Fact]
    public async Task TheSameFile_GivesTheSameStore_WithAndWithoutTheKeyFilter()
    {
        await RunAsync(null, "--store", "site1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await RunAsync(null, "--store", "site1.db", "instance", "set", "E", "--export", "--file", "site1.ldif");
        await TargetAsync("filtered.db");
        await TargetAsync("plain.db");

        for (var round = 1; round <= 2; round++)
        {
            await File.WriteAllTextAsync(_folder.File("people.csv"), SourceCsv(round));
            await RunAsync(null, "--store", "site1.db", "bulk", "import", "people.csv");
            await RunAsync(null, "--store", "site1.db", "run", "E", "--full");

            var filtered = await RunAsync(WithFilter, "--store", "filtered.db", "run", "I");
            var plain = await RunAsync(WithoutFilter, "--store", "plain.db", "run", "I");
            Assert.Equal(plain.Out, filtered.Out);
            Assert.Equal(await ShownAsync("plain.db"), await ShownAsync("filtered.db"));
        }

        // The file did exercise the rules the filter answers for: suffixes, an adoption, deletions.
        var shown = await ShownAsync("filtered.db");
        Assert.Contains("p010001", shown, StringComparison.Ordinal);
        Assert.Contains("Anna Berg001", shown, StringComparison.Ordinal);
        Assert.Contains("Zoë 山田", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("p013", shown, StringComparison.Ordinal);
        Assert.Contains("p319", shown, StringComparison.Ordinal);
        var round1 = await File.ReadAllTextAsync(_folder.File("site1.ldif"));
        Assert.Contains("p319", round1, StringComparison.Ordinal);
    }
    /// <summary>
    /// Into empty stores, the same files as a first load (SqliteFirstLoad: indexes made at the end, questions answered from
    /// the load's own rows) and row by row (DIRSYNC_FIRST_LOAD=0, no key filter): a full import, and a bulk file whose
    /// rows collide with each other and whose delete ends the load part-way.
    /// </summary>
    [Fact]
    public async Task TheSameFiles_GiveTheSameStore_AsAFirstLoadAndRowByRow()
    {
        var trace = _folder.File("first-load.trace");
        var firstLoad = new Dictionary<string, string> { ["DIRSYNC_KEY_FILTER_AFTER"] = "1", ["DIRSYNC_FIRST_LOAD"] = "1", ["DIRSYNC_FAULT_TRACE"] = trace };
        var rowByRow = new Dictionary<string, string> { ["DIRSYNC_KEY_FILTER_AFTER"] = "0", ["DIRSYNC_FIRST_LOAD"] = "0" };

        await RunAsync(null, "--store", "site1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await RunAsync(null, "--store", "site1.db", "instance", "set", "E", "--export", "--file", "site1.ldif");
        await File.WriteAllTextAsync(_folder.File("people.csv"), SourceCsv(1));
        await RunAsync(null, "--store", "site1.db", "bulk", "import", "people.csv");
        await RunAsync(null, "--store", "site1.db", "run", "E", "--full");
        foreach (var store in new[] { "first.db", "rows.db" })
        {
            await RunAsync(null, "--store", store, "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
            await RunAsync(null, "--store", store, "instance", "set", "I", "--import", "--file", "site1.ldif", "--address-type", "SMTP");
        }

        var loaded = await RunAsync(firstLoad, "--store", "first.db", "run", "I");
        var rows = await RunAsync(rowByRow, "--store", "rows.db", "run", "I");
        Assert.Equal(rows.Out, loaded.Out);
        Assert.Equal(await ShownAsync("rows.db"), await ShownAsync("first.db"));

        // A bulk file into empty stores: display names the file repeats, a Create of an alias the file made already (rejected),
        // then a Delete that ends the load, and rows after it.
        var bulk = new StringBuilder(SourceCsv(1));
        bulk.Append("Mailbox,Create,p001,Again,,,,\r\n");
        bulk.Append("Mailbox,Delete,p013,,,,,\r\n");
        bulk.Append("Mailbox,Update,late1,Zoë 山田,,,,\r\n");
        bulk.Append("Mailbox,Create,late2,Anna Berg,,,,\r\n");
        await File.WriteAllTextAsync(_folder.File("bulk.csv"), bulk.ToString());
        foreach (var store in new[] { "bulk-first.db", "bulk-rows.db" })
        {
            await RunAsync(null, "--store", store, "init", "--org", "Testorg", "--site", "Site3", "--server", "Server3");
        }

        loaded = await RunAsync(firstLoad, "--store", "bulk-first.db", "bulk", "import", "bulk.csv", "--skip-errors");
        rows = await RunAsync(rowByRow, "--store", "bulk-rows.db", "bulk", "import", "bulk.csv", "--skip-errors");
        Assert.Equal(rows.Out, loaded.Out);
        Assert.Equal(rows.Error, loaded.Error);
        Assert.Equal(await ShownAsync("bulk-rows.db"), await ShownAsync("bulk-first.db"));
        Assert.Contains("303 added, 0 modified, 1 deleted, 0 unchanged, 1 rejected", loaded.Out, StringComparison.Ordinal);

        // The first-load path was the one taken (twice: the import and the bulk file), on SQLite; PostgreSQL has none.
        var points = await File.ReadAllLinesAsync(trace);
        Assert.Equal(TestStores.OnPostgres ? 0 : 2, points.Count(p => p == "store.load.finish"));
    }
}

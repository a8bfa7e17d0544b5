using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>A <c>--both</c> instance through the command: each half reported as it happened, the first run of a pair, a failed import half.</summary>
public sealed class BothHalvesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Run_BothWhenTheOtherSideHasNotExportedYet_ExportsAndSaysThereIsNothingToImport()
    {
        await PairAsync();

        var first = await RunAsync("a", "run", "X");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(
            $"X: exported change set 1 (full, USN 0→1) to {_folder.File("ab.ldif")}: 1 added, 0 modified, 0 deleted; 0 passed over\n"
            + $"X: nothing to import yet: '{_folder.File("ba.ldif")}' does not exist\n",
            first.Out);
    }

    [Fact]
    public async Task Run_BothWhoseImportHalfFails_ReportsTheExportItCommittedAndExitsWithTheImportsError()
    {
        await PairAsync();
        await OkAsync("a", "run", "X");
        await OkAsync("b", "run", "Y");
        await File.AppendAllTextAsync(_folder.File("ba.ldif"), "junk\n");
        await OkAsync("a", "mailbox", "add", "m2");

        var failed = await RunAsync("a", "run", "X", "--json");
        var status = JsonDocument.Parse(await OkAsync("a", "instance", "show", "X", "--json")).RootElement.GetProperty("state");

        Assert.Equal(8, failed.ExitCode);
        var json = JsonDocument.Parse(failed.Out).RootElement;
        Assert.Equal((2L, 1L), (json.GetProperty("export").GetProperty("sequence").GetInt64(), json.GetProperty("export").GetProperty("added").GetInt64()));
        Assert.StartsWith($"{_folder.File("ba.ldif")}:", json.GetProperty("import").GetProperty("error").GetString(), StringComparison.Ordinal);
        var error = JsonDocument.Parse(failed.Error).RootElement;
        Assert.Equal(8, error.GetProperty("code").GetInt32());
        Assert.StartsWith($"the export of X was written (change set 2), but its import failed: {_folder.File("ba.ldif")}:", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((2L, 0L), (status.GetProperty("lastSequence").GetInt64(), status.GetProperty("lastImportedSequence").GetInt64()));
    }

    private async Task PairAsync()
    {
        await OkAsync("a", "init", "--org", "O", "--site", "A", "--server", "SA");
        await OkAsync("b", "init", "--org", "O", "--site", "B", "--server", "SB");
        await OkAsync("a", "mailbox", "add", "m1");
        await OkAsync("b", "mailbox", "add", "n1");
        await OkAsync("a", "instance", "set", "X", "--both", "--export-file", "ab.ldif", "--import-file", "ba.ldif");
        await OkAsync("b", "instance", "set", "Y", "--both", "--export-file", "ba.ldif", "--import-file", "ab.ldif");
    }

    private Task<CliResult> RunAsync(string store, params string[] args) =>
        CliRunner.RunAsync(_folder.Path, null, ["--store", store + ".db", .. args]);

    private async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await RunAsync(store, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store}.db {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}

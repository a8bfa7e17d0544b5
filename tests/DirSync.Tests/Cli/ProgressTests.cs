using System.Text;
using DirSync.Cli;
using DirSync.Cli.Output;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The progress line of long commands: drawn on a terminal's stderr and cleared, never in a file or pipe.</summary>
public sealed class ProgressTests
{
    [Fact]
    public void ProgressLine_Count_IsDrawnInPlaceAndClearedToTheMargin()
    {
        var terminal = new StringWriter();
        var line = new ProgressLine(terminal, "Running INSTANCE1", "records");

        line.Report(3L);
        line.Clear();

        Assert.Equal("\rRunning INSTANCE1: 3 records\r" + new string(' ', 28) + "\r", terminal.ToString());
    }

    public static TheoryData<string, string[], string> LongCommands() => new()
    {
        { "server1", ["run", "INSTANCE1"], "\rRunning INSTANCE1: 1 records" },
        { "server2", ["run", "INSTANCE2"], "\rRunning INSTANCE2: 1 records" },
        { "server1", ["gal", "rebuild"], "\rRebuilding the GAL: 1 recipients read" },
        { "server1", ["bulk", "export", "out.csv"], "\rExporting " },
    };

    [Theory]
    [MemberData(nameof(LongCommands))]
    public async Task LongCommand_OnATerminal_DrawsProgressAndInAPipeDoesNot(string server, string[] args, string first)
    {
        using var sites = await CliSites.CreateAsync();
        if (server == "server2")
        {
            await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        }

        var store = server == "server1" ? sites.Server1 : sites.Server2;
        var terminal = await RunAsync(store, errorIsTerminal: true, args);
        var piped = await RunAsync(store, errorIsTerminal: false, args);

        Assert.Equal(0, terminal.ExitCode);
        Assert.StartsWith(first, terminal.Error, StringComparison.Ordinal);
        Assert.Matches(@"\r +\r$", terminal.Error);
        Assert.Equal((0, ""), (piped.ExitCode, piped.Error));
    }

    [Fact]
    public async Task LongCommand_RealProcessWithStderrPiped_WritesNoProgress()
    {
        using var sites = await CliSites.CreateAsync();

        var result = await CliRunner.RunProcessAsync(sites.Folder.Path, null, "--store", sites.Server1, "run", "INSTANCE1");

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.DoesNotContain('\r', result.Out);
    }

    private static async Task<CliResult> RunAsync(string store, bool errorIsTerminal, string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var folder = Path.GetDirectoryName(store)!;
        var io = new CliIo(stdout, stderr, _ => null, folder) { ErrorIsTerminal = errorIsTerminal };
        var (mapped, _) = await TestStores.MapAsync(folder, ["--store", store, .. args], null);
        var exit = await DirSyncCommand.RunAsync(mapped, io);
        return new CliResult(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}

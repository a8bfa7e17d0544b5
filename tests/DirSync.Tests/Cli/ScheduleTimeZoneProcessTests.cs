using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>A schedule keeps the time zone it was set in: read by a process in another zone (TZ), it runs at the same instant.</summary>
public sealed class ScheduleTimeZoneProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ScheduleSetInTokyo_ListedInNewYork_RunsNextAtTokyosHour()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "TZ is how a Unix process learns its zone");
        var store = _folder.File("po1.db");
        Directory.CreateDirectory(_folder.File("po1-in"));
        Directory.CreateDirectory(_folder.File("hub-in"));
        await OkAsync(null, "--store", store, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await OkAsync(null, "--store", store, "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");

        var set = CliJson.Parse((await OkAsync("Asia/Tokyo", "--store", store, "--json", "schedule", "set", "T1", "daily", "09:00")).Out);
        var listed = CliJson.Parse((await OkAsync("America/New_York", "--store", store, "--json", "schedule", "list")).Out).EnumerateArray().Single(row => row.GetProperty("event").GetString() == "T1");
        var text = (await OkAsync("America/New_York", "--store", store, "schedule", "list")).Out;

        Assert.Equal("Asia/Tokyo", set.GetProperty("timeZone").GetString());
        Assert.Equal("Asia/Tokyo", listed.GetProperty("timeZone").GetString());
        var next = set.GetProperty("nextRun").GetDateTimeOffset();
        Assert.Equal((0, 0), (next.UtcDateTime.Hour, next.UtcDateTime.Minute));
        Assert.Equal(next, listed.GetProperty("nextRun").GetDateTimeOffset());
        Assert.Contains(" 09:00 Asia/Tokyo ", text, StringComparison.Ordinal);
        Assert.Contains("Times are America/New_York time.", text, StringComparison.Ordinal);
    }

    // Runs the real dirsync with TZ set (the machine's zone for that process), and DIRSYNC_TIMEZONE unset.
    private async Task<CliResult> OkAsync(string? zone, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["TZ"] = zone ?? "UTC", ["DIRSYNC_TIMEZONE"] = "" };
        var result = await CliRunner.RunProcessAsync(_folder.Path, environment, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, result.ToString());
        return result;
    }
}

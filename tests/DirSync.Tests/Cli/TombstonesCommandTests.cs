using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync tombstones purge</c>.</summary>
public sealed class TombstonesCommandTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await CliStore.InitAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    // The store keeps times in milliseconds and purges what was deleted strictly before the cut-off:
    // a purge in the same millisecond as the delete would rightly keep it.
    private static Task PastTheDeletesMillisecondAsync() => Task.Delay(TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Purge_OlderThanZeroJson_CountsEveryTombstoneExactly()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "add", "B");
        await _store.RunOkAsync("mailbox", "add", "C");
        await _store.RunOkAsync("dl", "add", "List", "--member", "A");
        await _store.RunOkAsync("mailbox", "remove", "A");
        await _store.RunOkAsync("dl", "remove", "List");
        await PastTheDeletesMillisecondAsync();

        var before = DateTimeOffset.UtcNow;
        var result = await _store.RunOkAsync("tombstones", "purge", "--older-than", "0", "--json");

        var json = CliJson.Parse(result.Out);
        Assert.Equal(["purged", "deletedBefore", "dryRun"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, json.GetProperty("purged").GetInt32());
        var cutoff = json.GetProperty("deletedBefore").GetDateTimeOffset();
        Assert.InRange(cutoff, before, DateTimeOffset.UtcNow);

        var again = await _store.RunOkAsync("tombstones", "purge", "--older-than", "0", "--json");
        Assert.Equal(0, CliJson.Parse(again.Out).GetProperty("purged").GetInt32());
        var list = CliJson.Parse((await _store.RunOkAsync("recipients", "list", "--json")).Out);
        Assert.Equal(["B", "C"], list.EnumerateArray().Select(r => r.GetProperty("alias").GetString()));
    }

    [Fact]
    public async Task Purge_DefaultRetention_KeepsRecentTombstones()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "remove", "A");
        var snapshot = await _store.SnapshotAsync();

        var result = await _store.RunOkAsync("tombstones", "purge", "--json");

        var json = CliJson.Parse(result.Out);
        Assert.Equal(0, json.GetProperty("purged").GetInt32());
        Assert.InRange(
            DateTimeOffset.UtcNow - json.GetProperty("deletedBefore").GetDateTimeOffset(),
            TimeSpan.FromDays(60),
            TimeSpan.FromDays(60) + TimeSpan.FromMinutes(1));
        Assert.Equal(snapshot, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task Purge_Human_SaysHowManyAndTheCutoff()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "remove", "A");
        await PastTheDeletesMillisecondAsync();

        var one = await _store.RunOkAsync("tombstones", "purge", "--older-than", "0");
        var none = await _store.RunOkAsync("tombstones", "purge", "--older-than", "0.5");

        Assert.Matches(@"^Purged 1 tombstone deleted before \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\n$", one.Out);
        Assert.Matches(@"^Purged 0 tombstones deleted before \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\n$", none.Out);
    }
}

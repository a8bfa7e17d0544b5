using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync container add|list</c>.</summary>
public sealed class ContainerCommandTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await CliStore.InitAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Add_UnderAnExistingParent_SaysWhatItCreated()
    {
        var result = await _store.RunOkAsync("container", "add", "/Recipients/Sales/");

        Assert.Equal("Created container Recipients/Sales\n", result.Out);
    }

    [Fact]
    public async Task List_NewStore_HasOnlyRecipients()
    {
        var text = await _store.RunOkAsync("container", "list");
        var json = await _store.RunOkAsync("container", "list", "--json");

        Assert.Equal("CONTAINER   RECIPIENTS\n----------  ----------\nRecipients  0\n", text.Out);
        Assert.Equal("[\n  {\n    \"path\": \"Recipients\",\n    \"recipients\": 0\n  }\n]\n", json.Out);
    }

    [Fact]
    public async Task List_Json_GivesEachPathWithTheRecipientsItHoldsDirectly()
    {
        await _store.RunOkAsync("container", "add", "Recipients/Sales");
        await _store.RunOkAsync("container", "add", "Recipients/Sales/West");
        await _store.RunOkAsync("container", "add", "Archive");
        await _store.RunOkAsync("mailbox", "add", "A", "--container", "Recipients/Sales/West");
        await _store.RunOkAsync("mailbox", "add", "B", "--container", "Recipients/Sales/West");
        await _store.RunOkAsync("mailbox", "add", "C");

        var result = await _store.RunOkAsync("container", "list", "--json");

        var containers = CliJson.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, containers.ValueKind);
        Assert.All(containers.EnumerateArray(), c => Assert.Equal(["path", "recipients"], c.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(
            [("Archive", 0L), ("Recipients", 1L), ("Recipients/Sales", 0L), ("Recipients/Sales/West", 2L)],
            containers.EnumerateArray().Select(c => (c.GetProperty("path").GetString(), c.GetProperty("recipients").GetInt64())));
    }

    [Fact]
    public async Task List_Human_IsATable()
    {
        await _store.RunOkAsync("container", "add", "Recipients/Sales");
        await _store.RunOkAsync("mailbox", "add", "A", "--container", "Recipients/Sales");

        var result = await _store.RunOkAsync("container", "list");

        Assert.Equal(
            "CONTAINER         RECIPIENTS\n----------------  ----------\nRecipients        0\nRecipients/Sales  1\n",
            result.Out);
    }
}

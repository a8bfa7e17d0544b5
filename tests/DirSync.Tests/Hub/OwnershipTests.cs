using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Tests.Hub;

/// <summary>Only a postoffice may change or delete its own entries: messages forged with a requestor's real key that touch another's are refused, entry by entry.</summary>
public sealed class OwnershipTests : IAsyncLifetime
{
    private const string Po1 = "NET/PO1";
    private const string Po2 = "NET/PO2";
    private const string HubName = HubNetwork.ServerName;

    private static readonly string[] Everyone = ["ann@NET/PO1", "bob@NET/PO2", "boss@NET/HUB"];

    private HubNetwork _net = null!;

    private Postoffice Hq => _net[HubName];

    private Postoffice P1 => _net[Po1];

    private Postoffice P2 => _net[Po2];

    /// <summary>The server postoffice NET/HUB (its own requestor) with boss, NET/PO1 with ann and NET/PO2 with bob, after one cycle.</summary>
    public async ValueTask InitializeAsync()
    {
        _net = await HubNetwork.CreateAsync();
        await _net.AddRequestorAsync(HubName);
        await _net.AddRequestorAsync(Po1);
        await _net.AddRequestorAsync(Po2);
        await Hq.AddMailboxAsync("boss", "Big Boss");
        await P1.AddMailboxAsync("ann", "Ann");
        await P2.AddMailboxAsync("bob", "Bob");
        await _net.CycleAsync();
    }

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private static string Key(string name) => HubKey.Derive(name, HubNetwork.PasswordOf(name));

    [Fact]
    public async Task Cycle_Initial_EveryPostofficeHoldsEveryoneOnce()
    {
        foreach (var postoffice in _net.Postoffices)
        {
            Assert.Equal(Everyone, await postoffice.OwnersAsync());
        }
    }

    [Theory]
    [InlineData(ChangeKind.Add)]
    [InlineData(ChangeKind.Modify)]
    [InlineData(ChangeKind.Delete)]
    public async Task Receive_RequestorChangingAnotherRequestorsEntry_IsRefusedWith160AndRelayedNowhere(ChangeKind kind)
    {
        var bob = (await P2.Store.FindByAliasAsync("bob"))!;
        var forged = kind == ChangeKind.Delete ? ForgedMessage.Delete(bob, Po1) : Rename(bob, kind, Po1);
        await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, Key(Po1), [NewEntry(Po1, "al"), forged], srvSync: (await P1.StateAsync()).SrvSync);
        var serverBob = await EntryAsync(_net.Server, "bob");

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(["NET/PO1: ReqTx R=3 (was 1), S=3, I=0 2 sent; 1 new, 0 already taken in, 1 refused"], received.Lines);
        Assert.Empty(received.Errors);
        Assert.Equal(
            [(EventCodes.NotOwner, "160: NET/PO1 may not change 'bob': it belongs to NET/PO2")],
            await HubNetwork.EventsAsync(_net.Server, EventCodes.NotOwner));
        Assert.Equal(["4 NET/PO1 Add al"], (await _net.MasterLogAsync()).Skip(3));
        Assert.Equal(serverBob, await EntryAsync(_net.Server, "bob"));
        await AfterACycleBobIsStillBobEverywhereAsync();
    }

    [Theory]
    [InlineData(ChangeKind.Add)]
    [InlineData(ChangeKind.Modify)]
    [InlineData(ChangeKind.Delete)]
    public async Task Receive_RequestorChangingTheServerPostofficesOwnUser_IsRefusedWith160(ChangeKind kind)
    {
        var boss = (await _net.Server.FindByAliasAsync("boss"))!;
        var forged = kind == ChangeKind.Delete ? ForgedMessage.Delete(boss, Po1) : Rename(boss, kind, Po1);
        await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, Key(Po1), [forged], srvSync: (await P1.StateAsync()).SrvSync);

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(["NET/PO1: ReqTx R=2 (was 1), S=3, I=0 1 sent; 0 new, 0 already taken in, 1 refused"], received.Lines);
        Assert.Equal(
            [(EventCodes.NotOwner, "160: NET/PO1 may not change 'boss': it belongs to NET/HUB")],
            await HubNetwork.EventsAsync(_net.Server, EventCodes.NotOwner));
        Assert.Equal(3, (await _net.ServerStateAsync()).Sync);
        await _net.CycleAsync();
        foreach (var postoffice in _net.Postoffices)
        {
            Assert.Equal(Everyone, await postoffice.OwnersAsync());
            Assert.Equal("Big Boss", (await postoffice.Store.FindByAliasAsync("boss"))!.DisplayName);
        }
    }

    [Theory]
    [InlineData(ChangeKind.Modify)]
    [InlineData(ChangeKind.Delete)]
    public async Task Receive_ServerPostofficeChangingARequestorsEntry_IsRefusedWith160(ChangeKind kind)
    {
        // The server postoffice's own records are logged, not applied (its users are local objects here),
        // so the ownership check cannot be left to applying them.
        var bob = (await P2.Store.FindByAliasAsync("bob"))!;
        var forged = kind == ChangeKind.Delete ? ForgedMessage.Delete(bob, HubName) : Rename(bob, kind, HubName);
        await ForgedMessage.SendAsync(_net, _net.Server.Info, HubName, Key(HubName), [forged], srvSync: (await Hq.StateAsync()).SrvSync);

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(["NET/HUB: ReqTx R=2 (was 1), S=3, I=0 1 sent; 0 new, 0 already taken in, 1 refused"], received.Lines);
        Assert.Equal(
            [(EventCodes.NotOwner, "160: NET/HUB may not change 'bob': it belongs to NET/PO2")],
            await HubNetwork.EventsAsync(_net.Server, EventCodes.NotOwner));
        Assert.Equal(3, (await _net.ServerStateAsync()).Sync);
        await AfterACycleBobIsStillBobEverywhereAsync();
    }

    [Fact]
    public async Task Receive_NewEntryNamingAnotherOwner_BelongsToItsSender()
    {
        var record = NewEntry(Po1, "al");
        record.Owner = Po2;
        await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, Key(Po1), [record], srvSync: (await P1.StateAsync()).SrvSync);

        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        await P2.ReceiveAndImportAsync();

        Assert.Equal("al | Al | custom-recipient | Postoffices/NET/PO1 | SMTP:al@PO1.Corp.com | NET/PO1", await EntryAsync(_net.Server, "al"));
        Assert.Equal(["4 NET/PO1 Add al"], (await _net.MasterLogAsync()).Skip(3));
        Assert.Equal("al | Al | custom-recipient | Postoffices/NET/PO1 | SMTP:al@PO1.Corp.com | NET/PO1", await EntryAsync(P2.Store, "al"));
        Assert.Empty(await HubNetwork.EventsAsync(_net.Server, EventCodes.NotOwner));
    }

    [Fact]
    public async Task Receive_RequestorChangingItsOwnEntry_IsTakenIn()
    {
        var ann = (await P1.Store.FindByAliasAsync("ann"))!;
        await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, Key(Po1), [ForgedMessage.Modify(ann, Po1, "Ann Other")], srvSync: (await P1.StateAsync()).SrvSync);

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(["NET/PO1: ReqTx R=2 (was 1), S=3, I=0 1 sent; 1 new, 0 already taken in, 0 refused"], received.Lines);
        Assert.Equal("ann | Ann Other | custom-recipient | Postoffices/NET/PO1 | SMTP:ann@PO1.Corp.com | NET/PO1", await EntryAsync(_net.Server, "ann"));
        Assert.Empty(await HubNetwork.EventsAsync(_net.Server, EventCodes.NotOwner));
    }

    private async Task AfterACycleBobIsStillBobEverywhereAsync()
    {
        await _net.CycleAsync();
        foreach (var postoffice in _net.Postoffices.Where(p => p.Name != Po2))
        {
            Assert.Equal("bob | Bob | custom-recipient | Postoffices/NET/PO2 | SMTP:bob@PO2.Corp.com | NET/PO2", await EntryAsync(postoffice.Store, "bob"));
        }

        Assert.Equal("bob | Bob | mailbox | Recipients | - | local", await EntryAsync(P2.Store, "bob"));
    }

    /// <summary>A record for <paramref name="value"/> under a new display name, as <paramref name="owner"/> would send it.</summary>
    private static ChangeRecord Rename(DirectoryObject value, ChangeKind kind, string owner)
    {
        var record = HubPolicies.Record(value, kind, owner);
        record.DisplayName = "Hijacked";
        return record;
    }

    /// <summary>A new mailbox of <paramref name="owner"/>'s that no store has yet.</summary>
    private static ChangeRecord NewEntry(string owner, string alias)
    {
        var site = owner.Split('/')[^1];
        var record = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), alias, DirectoryPath.Parse("Recipients"))
        {
            Class = ObjectClass.Mailbox,
            DisplayName = char.ToUpperInvariant(alias[0]) + alias[1..],
            Owner = owner,
        };
        record.ProxyAddresses.Add(ProxyAddress.Parse($"SMTP:{alias}@{site}.Corp.com"));
        return record;
    }

    private static async Task<string> EntryAsync(Core.Storage.IDirectoryReader store, string alias)
    {
        var value = (await store.FindByAliasAsync(alias))!;
        return string.Join(
            " | ",
            value.Alias,
            value.DisplayName,
            value.Class.ToToken(),
            value.Container.Value,
            value.TargetAddress?.ToString() ?? "-",
            value.Origin?.ImportedFrom ?? "local");
    }
}

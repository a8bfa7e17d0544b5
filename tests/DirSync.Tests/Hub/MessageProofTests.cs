using System.Security.Cryptography;
using System.Text;
using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Hub;

/// <summary>The proof a message carries: keys derived from passwords, and every message that fails a check refused with its code, set aside with its reason, and not applied.</summary>
public sealed class MessageProofTests : IAsyncLifetime
{
    private const string Po1 = "NET/PO1";
    private const string Po2 = "NET/PO2";

    private HubNetwork _net = null!;

    private Postoffice P1 => _net[Po1];

    private Postoffice P2 => _net[Po2];

    /// <summary>NET/PO1 with ann and NET/PO2 with bob after one cycle; then NET/PO1 adds al, not yet sent.</summary>
    public async ValueTask InitializeAsync()
    {
        _net = await HubNetwork.CreateAsync(Po1, Po2);
        await P1.AddMailboxAsync("ann", "Ann");
        await P2.AddMailboxAsync("bob", "Bob");
        await _net.CycleAsync();
        await P1.AddMailboxAsync("al", "Al");
    }

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public void Derive_SameNameAndPassword_GivesTheSameKeyWhateverTheNamesCase()
    {
        var key = HubKey.Derive("NET/PO1", "secret");

        Assert.Equal(key, HubKey.Derive("net/po1", "secret"));
        Assert.Equal(32, Convert.FromBase64String(key).Length);
        Assert.NotEqual(key, HubKey.Derive("NET/PO2", "secret"));
        Assert.NotEqual(key, HubKey.Derive("NET/PO1", "Secret"));
        Assert.Equal(HubKey.Derive("NET/PO1", null), HubKey.Derive("NET/PO1", ""));
        Assert.NotEqual(HubKey.Derive("NET/PO1", null), HubKey.Derive("NET/PO2", null));
    }

    [Fact]
    public void Prove_ThenVerify_HoldsOnlyForTheSameKeyAndChecksum()
    {
        var key = HubKey.Derive("NET/PO1", "secret");
        var sha = Convert.ToHexStringLower(SHA256.HashData("message"u8));
        var other = Convert.ToHexStringLower(SHA256.HashData("messagf"u8));

        var proof = HubKey.Prove(key, sha);

        Assert.Equal(64, proof.Length);
        Assert.Equal(proof.ToLowerInvariant(), proof);
        Assert.True(HubKey.Verify(key, sha, proof));
        Assert.True(HubKey.Verify(key, sha, proof.ToUpperInvariant()));
        Assert.False(HubKey.Verify(HubKey.Derive("NET/PO1", "wrong"), sha, proof));
        Assert.False(HubKey.Verify(key, other, proof));
        Assert.False(HubKey.Verify(key, sha, null));
        Assert.False(HubKey.Verify(key, sha, proof[..63]));
        Assert.False(HubKey.Verify(key, sha, proof + "0"));
        Assert.False(HubKey.Verify(key, sha, "z" + proof[1..]));
    }

    [Fact]
    public async Task Receive_MessageEditedByOneByte_IsRefusedAsInvalid124()
    {
        await P1.SendAsync();
        var file = Assert.Single(Directory.GetFiles(_net.ServerInbox, "*.dsm"));
        var bytes = File.ReadAllBytes(file);
        var at = IndexOf(bytes, "displayName: Al\n"u8) + "displayName: ".Length;
        bytes[at] = (byte)'E';
        File.WriteAllBytes(file, bytes);

        await AssertRefusedAsync(
            file,
            EventCodes.InvalidFormat,
            $"invalid Dir-Sync message: {Path.GetFileName(file)}:{TrailerLine(bytes)}: the integrity check failed: the file was edited or damaged after it was exported");
        Assert.NotEqual(DeclaredSha(bytes), ActualSha(bytes));
    }

    [Fact]
    public async Task Receive_MessageEditedWithItsChecksumMadeAgain_IsRefusedAsABadPassword156()
    {
        await P1.SendAsync();
        var file = Assert.Single(Directory.GetFiles(_net.ServerInbox, "*.dsm"));
        var bytes = File.ReadAllBytes(file);
        bytes[IndexOf(bytes, "displayName: Al\n"u8) + "displayName: ".Length] = (byte)'E';
        File.WriteAllBytes(file, WithChecksumMadeAgain(bytes));

        await AssertRefusedAsync(file, EventCodes.BadPassword, BadPassword(Po1));
    }

    [Fact]
    public async Task Receive_MessageSignedWithAnotherRequestorsKey_IsRefused156()
    {
        // NET/PO2's administrator writes a message in NET/PO1's name: the proof is made with the wrong key.
        var file = await ForgedMessage.SendAsync(_net, P2.Store.Info, Po1, HubKey.Derive(Po2, HubNetwork.PasswordOf(Po2)), [AlRecord()]);

        await AssertRefusedAsync(file, EventCodes.BadPassword, BadPassword(Po1));
    }

    [Fact]
    public async Task Receive_MessageReaddressedToAnotherServer_IsRefusedAsNotAddressedHere154()
    {
        var file = await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, Key(Po1), [AlRecord()], to: "NET/OTHER");

        await AssertRefusedAsync(file, EventCodes.NotAddressedHere, "a message from NET/PO1 is addressed to NET/OTHER, not to this server (NET/HUB)");
    }

    [Fact]
    public async Task Receive_MessageReaddressedHereAndSignedWithAnotherKey_IsRefused156()
    {
        // A message NET/PO1 wrote for another network's server, its 'to' changed to this server: the
        // checksum covers 'to', so the thief must sign again, and has only a key of its own.
        var file = await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, HubKey.Derive(Po1, "the other network's password"), [AlRecord()]);

        await AssertRefusedAsync(file, EventCodes.BadPassword, BadPassword(Po1));
    }

    [Fact]
    public async Task Receive_RequestorWithTheWrongPassword_IsRefused156UntilThePasswordsAgree()
    {
        await P1.Requestor.EnableAsync(Po1, P1.Inbox, _net.ServerInbox, "wrong", null, null);
        await P1.SendAsync();
        var file = Assert.Single(Directory.GetFiles(_net.ServerInbox, "*.dsm"));

        await AssertRefusedAsync(file, EventCodes.BadPassword, BadPassword(Po1));
        Assert.Empty(HubNetwork.Waiting(P1.Inbox));

        await P1.Requestor.EnableAsync(Po1, P1.Inbox, _net.ServerInbox, HubNetwork.PasswordOf(Po1), null, null);
        await _net.CycleAsync();

        Assert.Equal(["al@NET/PO1", "ann@NET/PO1", "bob@NET/PO2"], await P2.OwnersAsync());
        Assert.Empty(await P1.OutboxAsync());
    }

    [Fact]
    public async Task Receive_UnregisteredRequestor_IsRefused158()
    {
        var file = await ForgedMessage.SendAsync(_net, P1.Store.Info, "NET/PO9", HubKey.Derive("NET/PO9", "pw"), [AlRecord()]);

        await AssertRefusedAsync(
            file,
            EventCodes.NotRegistered,
            "requestor NET/PO9 is not registered; register it with 'dirsync server add-requestor NET/PO9 --inbox <dir> --password-file <path>'");
    }

    [Fact]
    public async Task Receive_SignedMessageWithARecordNotWellFormed_IsRefusedAsInvalid124_WithNothingOfItApplied()
    {
        // Signed with the right key, whole and counted: it passes the check, which reads records only as far as their
        // anchors. Its second record gives a single-valued attribute two values; the take-in finds that after applying
        // al, and the message is refused exactly as a check reading every record would have refused it.
        var bad = AlRecord();
        bad = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), "al2", bad.Container) { Class = bad.Class, DisplayName = "Al Two", Owner = Po1 };
        bad.Attributes.Set(Core.Model.AttributeCatalog.GivenName, ["Al", "Albert"]);
        var file = await ForgedMessage.SendAsync(_net, P1.Store.Info, Po1, Key(Po1), [AlRecord(), bad]);
        var name = Path.GetFileName(file);
        var parsed = Assert.Throws<InputFormatException>(() => MessageFile.Inspect(file, name));
        Assert.Contains("'givenName' takes one value, not 2", parsed.Message, StringComparison.Ordinal);
        MessageFile.Verify(file, name);

        await AssertRefusedAsync(file, EventCodes.InvalidFormat, $"invalid Dir-Sync message: {parsed.Message}");
        var sender = (await HubSettings.RegisteredAsync(_net.Server)).Single(r => r.Name == Po1);
        Assert.Equal((EventCodes.InvalidFormat, $"invalid Dir-Sync message: {parsed.Message}"), (sender.LastRefusal!.Code, sender.LastRefusal.Reason));
    }

    [Fact]
    public async Task Receive_ReplayedMessage_IsRefused161()
    {
        await P1.SendAsync();
        var file = Assert.Single(Directory.GetFiles(_net.ServerInbox, "*.dsm"));
        var copy = File.ReadAllBytes(file);
        var (message, _, _) = MessageFile.Inspect(file, "x");
        await _net.Hub.ReceiveAsync();
        File.WriteAllBytes(file, copy);

        await AssertRefusedAsync(file, EventCodes.Replayed, $"message {message.Id} from NET/PO1 was already taken in; a replayed copy is refused", alreadyApplied: true);
    }

    [Fact]
    public async Task Receive_ReplyWithTheWrongKey_IsRefused156ByTheRequestor()
    {
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.AddRequestorAsync(Po1, P1.Inbox, "changed on the server only");
        await _net.Hub.SendAsync();
        var reply = Assert.Single(Directory.GetFiles(P1.Inbox, "*.dsm"));
        var before = await P1.StateAsync();

        var received = await P1.ReceiveAsync();

        var reason = "156: invalid Dir-Sync password in a reply from NET/HUB: the proof does not match this requestor's password";
        Assert.Equal((0, 1), (received.Messages, received.Rejected));
        Assert.Equal([$"{Path.GetFileName(reply)} refused — {reason}"], received.Errors);
        Assert.Equal([Path.GetFileName(reply), Path.GetFileName(reply) + ".reason.txt"], HubNetwork.FilesIn(P1.Inbox, "rejected"));
        Assert.Equal(reason + Environment.NewLine, File.ReadAllText(Path.Combine(P1.Inbox, "rejected", Path.GetFileName(reply) + ".reason.txt")));
        Assert.Equal(before, await P1.StateAsync());
        Assert.Equal(["2 Add al"], await P1.OutboxAsync());
        Assert.Equal(
            [(EventCodes.BadPassword, $"{reason} (message {Path.GetFileName(reply)} moved to rejected/)")],
            await HubNetwork.EventsAsync(P1.Store, EventCodes.BadPassword));
    }

    [Fact]
    public async Task Receive_ReplyFromAnotherServerStore_IsRefused154ByTheRequestor()
    {
        // Another store calling itself NET/HUB, holding the right key: the requestor knows its server by identity.
        var message = new HubMessage(MessageKind.ServerReply, Guid.NewGuid(), HubNetwork.ServerName, Po1, 2, 0, 9, 2, 0, 0, false, false, false, null);
        var reply = await ForgedMessage.WriteAsync(P1.Inbox, StoreFactory.Info("Impostor"), message, [AlRecord()], Key(Po1), _net.Time.GetUtcNow());
        var before = await P1.EntriesAsync();

        var received = await P1.ReceiveAsync();

        Assert.Equal((0, 1), (received.Messages, received.Rejected));
        Assert.StartsWith($"{Path.GetFileName(reply)} refused — 154: a reply from store ", Assert.Single(received.Errors), StringComparison.Ordinal);
        Assert.EndsWith($" (Testorg/Impostor/Server1) is not from this requestor's server ({_net.Server.Info.Identity})", received.Errors[0], StringComparison.Ordinal);
        Assert.Equal(before, await P1.EntriesAsync());
        Assert.Equal(2, (await P1.StateAsync()).SrvSync);
    }

    private static string Key(string name) => HubKey.Derive(name, HubNetwork.PasswordOf(name));

    private static string BadPassword(string from) =>
        $"invalid Dir-Sync password from {from}: the message's proof does not match the password registered here; the administrators must agree on it ('dirsync server add-requestor {from} --inbox <dir> --password-file <path>' here, 'dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir> --password-file <path>' there)";

    /// <summary>T2 receive refuses the message: moved to rejected/ beside its reason, an event logged, nothing applied or logged for the requestors.</summary>
    private async Task AssertRefusedAsync(string file, int code, string reason, bool alreadyApplied = false)
    {
        var name = Path.GetFileName(file);
        var snapshot = await StoreSnapshot.TakeAsync(_net.ServerPath);
        var server = await _net.ServerStateAsync();
        var registered = await HubSettings.RegisteredAsync(_net.Server);

        var report = await _net.Hub.ReceiveAsync();

        Assert.Equal((0, 0L, 1), (report.Messages, report.Updates, report.Rejected));
        Assert.Equal([$"{name} refused — {code}: {reason}"], report.Errors);
        Assert.Empty(HubNetwork.Waiting(_net.ServerInbox));
        Assert.Empty(HubNetwork.FilesIn(_net.ServerInbox, "processing"));
        Assert.Equal([name, name + ".reason.txt"], HubNetwork.FilesIn(_net.ServerInbox, "rejected"));
        Assert.Equal($"{code}: {reason}{Environment.NewLine}", File.ReadAllText(Path.Combine(_net.ServerInbox, "rejected", name + ".reason.txt")));
        Assert.Equal([(code, $"{code}: {reason} (message {name} moved to rejected/)")], await HubNetwork.EventsAsync(_net.Server, code));
        Assert.Equal(snapshot, await StoreSnapshot.TakeAsync(_net.ServerPath));
        Assert.Equal(server, await _net.ServerStateAsync());
        // Nothing of the requestors changed but the refusal recorded against the sender, when it is registered (the status views show it).
        var after = await HubSettings.RegisteredAsync(_net.Server);
        Assert.Equal(registered, after.Select(r => r with { LastRefusal = registered.Single(o => o.Name == r.Name).LastRefusal }).ToList());
        var recorded = after.Where(r => r.LastRefusal != registered.Single(o => o.Name == r.Name).LastRefusal).ToList();
        Assert.True(recorded.Count <= 1);
        Assert.All(recorded, r => Assert.Equal((code, reason), (r.LastRefusal!.Code, r.LastRefusal.Reason)));
        Assert.Equal(alreadyApplied, await _net.Server.FindByAliasAsync("al") is not null);
    }

    private static ChangeRecord AlRecord()
    {
        var record = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), "al", Core.Model.DirectoryPath.Parse("Recipients"))
        {
            Class = Core.Model.ObjectClass.Mailbox,
            DisplayName = "Al",
            Owner = Po1,
        };
        record.ProxyAddresses.Add(Core.Model.ProxyAddress.Parse("SMTP:al@PO1.Corp.com"));
        return record;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> value)
    {
        var at = bytes.AsSpan().IndexOf(value);
        Assert.True(at >= 0, $"'{Encoding.UTF8.GetString(value)}' is not in the message");
        return at;
    }

    /// <summary>Where the trailer line starts.</summary>
    private static int TrailerStart(byte[] bytes) => IndexOf(bytes, "\n# dirsync-end: "u8) + 1;

    /// <summary>The trailer's line number.</summary>
    private static int TrailerLine(byte[] bytes) => bytes.AsSpan(0, TrailerStart(bytes)).Count((byte)'\n') + 1;

    private static string ActualSha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, TrailerStart(bytes))));

    private static string DeclaredSha(byte[] bytes) => TrailerText(bytes).Split(' ')[3]["sha256=".Length..];

    /// <summary>The trailer comment unfolded onto one line.</summary>
    private static string TrailerText(byte[] bytes) => Encoding.ASCII.GetString(bytes.AsSpan(TrailerStart(bytes))).Replace("\n ", "", StringComparison.Ordinal).TrimEnd('\n');

    /// <summary>The message with its trailer's checksum made again for its edited bytes, the proof left as it was.</summary>
    private static byte[] WithChecksumMadeAgain(byte[] bytes)
    {
        var parts = TrailerText(bytes).Split(' ');
        var trailer = $"# dirsync-end: {parts[2]} sha256={ActualSha(bytes)} {parts[4]}\n";
        return [.. bytes.AsSpan(0, TrailerStart(bytes)), .. Encoding.ASCII.GetBytes(trailer)];
    }
}

using System.Net.Sockets;
using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Server;

/// <summary>
/// The hub over real HTTP on loopback: a server running 'dirsync serve' and three requestors that post their messages
/// and fetch their replies (one applies them on receipt), through full and incremental cycles, a lost answer, a
/// replayed request, a wrong password and bodies over the size limit — every step the real dirsync command.
/// </summary>
public sealed class ServeHubEndToEndTests : IAsyncLifetime
{
    private const string A = "CORP/A";
    private const string B = "CORP/B";
    private const string X = "CORP/X";
    private const int MaxBytes = 65536;

    private static readonly (string Name, string Dir, bool ApplyOnReceive)[] Requestors = [(A, "a", false), (B, "b", false), (X, "x", true)];

    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, SortedSet<string>> _users = new()
    {
        [A] = ["Ann Archer", "Al Adams"],
        [B] = ["Bob Baker", "Bea Brown"],
        [X] = ["Xena Xu", "Xi Xiong"],
    };

    private ServeProcess _serve = null!;
    private LossyProxy _proxy = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder.File("srv/in"));
        await OkAsync("srv", "init", "--org", "Corp", "--site", "HQ", "--server", "HQ1");
        await OkAsync("srv", "server", "enable", "--inbox", "srv/in", "--name", "CORP/HQ");
        foreach (var (name, dir, _) in Requestors)
        {
            await File.WriteAllTextAsync(_folder.File($"{dir}.pw"), $"pw-{dir}\n");
            var registered = await OkAsync("srv", "server", "add-requestor", name, "--password-file", $"{dir}.pw");
            Assert.Equal($"Registered requestor {name}: its replies wait in {_folder.File("srv/in/replies/" + name.Replace('/', '.'))} until it fetches them from 'dirsync serve'\n", registered);
        }

        _serve = await ServeProcess.StartAsync(_folder.Path, "srv/s.db", "--max-message-bytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _proxy = new LossyProxy(_serve.Url);
        foreach (var (name, dir, apply) in Requestors)
        {
            Directory.CreateDirectory(_folder.File(dir));
            await OkAsync(dir, "init", "--org", "Corp", "--site", dir.ToUpperInvariant(), "--server", dir.ToUpperInvariant() + "1");
            string[] enable = ["requestor", "enable", "--name", name, "--server-url", _proxy.Url.ToString(), "--password-file", $"{dir}.pw"];
            Assert.Equal(
                $"Requestor {name}: server {_proxy.Url}, address type SMTP{(apply ? ", applies replies as they arrive" : "")}\n",
                await OkAsync(dir, apply ? [.. enable, "--apply-on-receive"] : enable));
            foreach (var user in _users[name])
            {
                await OkAsync(dir, "mailbox", "add", user.Split(' ')[0], "--display-name", user);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _serve.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Hub_ThreeRequestorsOverHttpThroughFullAndIncrementalCyclesALostAnswerAReplayAndAWrongPassword_EveryGalAgrees()
    {
        // The first cycle: every requestor gets every other's users in full, as custom recipients.
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal("highestSrvSync=6 cycle=1 | CORP/A 2/6 http | CORP/B 2/6 http | CORP/X 2/6 http", await ServerStatusAsync());
        Assert.Equal(3, _serve.Lines("POST /hub/messages").Count(l => l.Contains(": 202 accepted as ", StringComparison.Ordinal)));
        Assert.Equal(3, _serve.Lines("/ack ").Count(l => l.EndsWith(": taken in, removed", StringComparison.Ordinal)));

        // Incremental: a rename, a delete and an add travel; nothing else does.
        await OkAsync("a", "mailbox", "set", "Ann", "--display-name", "Ann Anders");
        await OkAsync("b", "mailbox", "remove", "Bea");
        await OkAsync("x", "mailbox", "add", "Xavier", "--display-name", "Xavier Xo");
        Swap(A, "Ann Archer", "Ann Anders");
        _users[B].Remove("Bea Brown");
        _users[X].Add("Xavier Xo");
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal("highestSrvSync=9 cycle=2 | CORP/A 3/9 http | CORP/B 3/9 http | CORP/X 3/9 http", await ServerStatusAsync());

        // A lost answer: the server takes CORP/A's message, the connection drops before the 202 reaches it.
        await OkAsync("a", "mailbox", "add", "Abe", "--display-name", "Abe Ash");
        _users[A].Add("Abe Ash");
        _proxy.DropNextAcceptance();
        var lost = await RunAsync("a", "requestor", "send");
        Assert.Equal(14, lost.ExitCode);
        Assert.StartsWith($"dirsync: could not post the message at {_proxy.Url}: ", lost.Error, StringComparison.Ordinal);
        Assert.EndsWith("; the message may or may not have arrived: its transactions stay queued until the server acknowledges them, and the next 'dirsync requestor send' sends them again\n", lost.Error, StringComparison.Ordinal);
        Assert.Equal(1, _proxy.Dropped);
        Assert.Single(Directory.GetFiles(_folder.File("srv/in"), "*.dsm"));

        // The sync numbers repair it: the next cycle sends Abe again, and the server takes him in once.
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal("highestSrvSync=10 cycle=3 | CORP/A 4/10 http | CORP/B 3/10 http | CORP/X 3/10 http", await ServerStatusAsync());
        Assert.Contains(await EventsAsync("srv"), e => e == "105 SrvRx received 0 updates from CORP/A (1 already taken in); master log now ends at 10");
        Assert.Equal("0 unacknowledged", await UnacknowledgedAsync("a"));

        // A recorded request sent again: its nonce is used up, so serve refuses it (161) and nothing arrives.
        var recorded = _proxy.MessagePosts.Last(r => Encoding.ASCII.GetString(r).Contains("requestor=\"CORP/A\"", StringComparison.Ordinal));
        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", await ReplayAsync(recorded), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder.File("srv/in"), "*.dsm"));
        Assert.Equal("161 161: a replayed request from CORP/A: the nonce of its POST /hub/messages was used before or has expired; refused (refused over HTTP)", (await EventsAsync("srv"))[^1]);

        // A wrong password: every request of CORP/B is refused (403, 156), nothing of it arrives, its changes wait.
        await OkAsync("b", "requestor", "enable", "--name", B, "--server-url", _proxy.Url.ToString(), "--password", "WRONG");
        await OkAsync("b", "mailbox", "add", "Bad", "--display-name", "Bad Pass");
        var refused = await RunAsync("b", "requestor", "send");
        Assert.Equal(9, refused.ExitCode);
        Assert.Equal(
            $"dirsync: the server at {_proxy.Url} refused the message (HTTP 403): 156: invalid Dir-Sync password from CORP/B: the signature of its POST /hub/messages does not match the password registered here; the administrators must agree on it ('dirsync server add-requestor CORP/B --password-file <path>' here, 'dirsync requestor enable --name <NET/PO> --server-url <url> --password-file <path>' there)\n",
            refused.Error);
        Assert.Empty(Directory.GetFiles(_folder.File("srv/in"), "*.dsm"));
        var status = CliJson.Parse(await OkAsync("srv", "status", "--json"));
        var b = status.GetProperty("server").GetProperty("requestors").EnumerateArray().Single(r => r.GetProperty("name").GetString() == B);
        Assert.Equal(156, b.GetProperty("lastError").GetProperty("code").GetInt32());
        Assert.StartsWith("invalid Dir-Sync password from CORP/B: the signature of its POST /hub/messages", b.GetProperty("lastError").GetProperty("message").GetString(), StringComparison.Ordinal);
        var fetch = await RunAsync("b", "requestor", "receive");
        Assert.Equal(9, fetch.ExitCode);
        Assert.StartsWith($"dirsync: the server at {_proxy.Url} refused the list of replies (HTTP 403): 156: invalid Dir-Sync password from CORP/B: the signature of its GET /hub/replies", fetch.Error, StringComparison.Ordinal);

        // The passwords agree again: the next cycle brings Bad to everyone.
        await OkAsync("b", "requestor", "enable", "--name", B, "--server-url", _proxy.Url.ToString(), "--password-file", "b.pw");
        _users[B].Add("Bad Pass");
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal("highestSrvSync=11 cycle=4 | CORP/A 4/11 http | CORP/B 4/11 http | CORP/X 3/11 http", await ServerStatusAsync());
        Assert.Equal([156, 161], (await EventsAsync("srv")).Select(e => int.Parse(e[..3], System.Globalization.CultureInfo.InvariantCulture)).Where(c => c is 156 or 161).Distinct().Order());
    }

    [Fact]
    public async Task PostMessage_BodyOverTheLimit_IsRefused413BeforeItIsReadWhole()
    {
        // A declared length over the limit is refused before a byte of the body is read.
        using var declared = new TcpClient();
        await declared.ConnectAsync(_serve.Url.Host, _serve.Url.Port);
        var stream = declared.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /hub/messages HTTP/1.1\r\nHost: x\r\nContent-Length: {10L << 30}\r\nAuthorization: DirSync-HMAC requestor=\"CORP/A\", nonce=\"n\", mac=\"m\"\r\n\r\n"));
        var answer = await ReadAnswerAsync(stream);
        Assert.StartsWith("HTTP/1.1 413 Payload Too Large\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith($"{{\"code\":null,\"error\":\"the body is {10L << 30} bytes, over the limit of {MaxBytes} bytes; it was not read\"}}", answer, StringComparison.Ordinal);

        // A chunked body that never says its length is cut off at the limit (a real nonce and signature, so it is read).
        using var http = new HttpClient { BaseAddress = _serve.Url };
        var nonce = CliJson.Parse(await (await http.PostAsync("hub/challenge", null)).Content.ReadAsStringAsync()).GetProperty("nonce").GetString()!;
        var key = Core.Hub.HubKey.Derive(A, "pw-a");
        var signature = Core.Hub.RequestSignature.Sign(A, key, nonce, "POST", "/hub/messages", new string('0', 64));
        using var request = new HttpRequestMessage(HttpMethod.Post, "hub/messages") { Content = new PushStreamContent(MaxBytes * 4) };
        request.Headers.TryAddWithoutValidation("Authorization", $"DirSync-HMAC {signature.ToParameters()}");
        using var response = await http.SendAsync(request);
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal($"{{\"code\":null,\"error\":\"the body is over the limit of {MaxBytes} bytes; it was not read further\"}}", await response.Content.ReadAsStringAsync());
        Assert.Empty(Directory.GetFiles(_folder.File("srv/in")));
    }

    private async Task CycleAsync()
    {
        foreach (var (_, dir, _) in Requestors)
        {
            await OkAsync(dir, "requestor", "send");
        }

        await OkAsync("srv", "server", "receive");
        await OkAsync("srv", "server", "send");
        foreach (var (_, dir, apply) in Requestors)
        {
            await OkAsync(dir, "requestor", "receive");
            if (!apply)
            {
                await OkAsync(dir, "requestor", "import");
                await OkAsync(dir, "gal", "rebuild");
            }
        }
    }

    private async Task AssertGalsAsync()
    {
        foreach (var (name, dir, _) in Requestors)
        {
            var gal = CliJson.Parse(await OkAsync(dir, "gal", "list", "--json")).EnumerateArray()
                .Select(e => $"{e.GetProperty("displayName").GetString()} @{(e.GetProperty("class").GetString() == "mailbox" ? "own" : e.GetProperty("postoffice").GetString())}")
                .Order(StringComparer.Ordinal);
            var expected = _users.SelectMany(u => u.Value.Select(d => $"{d} @{(u.Key == name ? "own" : u.Key)}")).Order(StringComparer.Ordinal);
            Assert.Equal(expected, gal);
        }
    }

    private async Task<string> ServerStatusAsync()
    {
        var s = CliJson.Parse(await OkAsync("srv", "status", "--json")).GetProperty("server");
        var requestors = s.GetProperty("requestors").EnumerateArray().Select(r =>
        {
            Assert.Equal(0, r.GetProperty("pendingUpdates").GetInt64());
            Assert.Equal(0, r.GetProperty("repliesWaiting").GetInt32());
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, r.GetProperty("lastContact").ValueKind);
            return $"{r.GetProperty("name").GetString()} {r.GetProperty("reqSync").GetInt64()}/{r.GetProperty("srvSync").GetInt64()} {r.GetProperty("transport").GetString()}";
        });
        return string.Join(" | ", [$"highestSrvSync={s.GetProperty("highestSrvSync").GetInt64()} cycle={s.GetProperty("cycle").GetInt64()}", .. requestors]);
    }

    private async Task<string> UnacknowledgedAsync(string dir) =>
        $"{CliJson.Parse(await OkAsync(dir, "requestor", "status", "--json")).GetProperty("unacknowledged").GetInt64()} unacknowledged";

    /// <summary>The store's events as "code message", oldest first.</summary>
    private async Task<List<string>> EventsAsync(string dir) =>
        CliJson.Parse(await OkAsync(dir, "events", "--json", "--limit", "1000")).EnumerateArray()
            .Select(e => $"{e.GetProperty("code").GetInt32()} {e.GetProperty("message").GetString()}").ToList();

    private void Swap(string postoffice, string old, string now)
    {
        _users[postoffice].Remove(old);
        _users[postoffice].Add(now);
    }

    private async Task<string> ReplayAsync(byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_serve.Url.Host, _serve.Url.Port);
        await client.GetStream().WriteAsync(request);
        return await ReadAnswerAsync(client.GetStream());
    }

    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var all = text.ToString();
            var end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end > 0 && System.Text.RegularExpressions.Regex.Match(all, @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase) is { Success: true } length
                && Encoding.UTF8.GetByteCount(all[(end + 4)..]) >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            {
                break;
            }
        }

        return text.ToString();
    }

    private Task<CliResult> RunAsync(string dir, params string[] args) =>
        CliRunner.RunProcessAsync(_folder.Path, CliRunner.NoEnvironment, ["--store", $"{dir}/s.db", .. args]);

    private async Task<string> OkAsync(string dir, params string[] args)
    {
        var result = await RunAsync(dir, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"{dir}: dirsync {string.Join(' ', args)}: {result}");
        return result.Out;
    }

    /// <summary>A body of <paramref name="length"/> bytes sent in chunks, without a length.</summary>
    private sealed class PushStreamContent(int length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[4096];
            try
            {
                for (var sent = 0; sent < length; sent += chunk.Length)
                {
                    await stream.WriteAsync(chunk);
                    await stream.FlushAsync();
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The server stopped reading at its limit and answered.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

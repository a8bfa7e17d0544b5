using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DirSync.Tests.Server;

/// <summary>A TCP proxy in front of serve that can lose the answer to an accepted message (the connection drops after the server took it) and records what it forwards.</summary>
/// <remarks>It works on bytes, below HTTP: the requestor and serve talk through it exactly as over a network that fails.</remarks>
public sealed class LossyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _requests = [];
    private readonly Task _accepting;
    private int _dropAccepted;

    public LossyProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>How many answers were dropped.</summary>
    public int Dropped { get; private set; }

    /// <summary>Drops the connection instead of forwarding the next <c>202 Accepted</c> (a message the server took in).</summary>
    public void DropNextAcceptance() => Interlocked.Exchange(ref _dropAccepted, 1);

    /// <summary>The raw bytes of every request that posted a message, as they went to serve.</summary>
    public IReadOnlyList<byte[]> MessagePosts
    {
        get
        {
            lock (_requests)
            {
                return _requests.Where(r => Encoding.ASCII.GetString(r, 0, Math.Min(r.Length, 64)).StartsWith("POST /hub/messages ", StringComparison.Ordinal)).ToList();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ConnectionAsync(client));
        }
    }

    private async Task ConnectionAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await server.ConnectAsync(_upstream.Host, _upstream.Port);
            var up = CopyRequestsAsync(client.GetStream(), server.GetStream());
            var down = CopyAnswersAsync(server.GetStream(), client);
            await Task.WhenAny(up, down);
        }
    }

    /// <summary>Forwards what the client sends, keeping each request's bytes (a request starts where the client starts sending after an answer).</summary>
    private async Task CopyRequestsAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[65536];
        var current = new MemoryStream();
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (current.Length > 0 && (StartsRequest(buffer, read)))
                {
                    Keep(current);
                    current = new MemoryStream();
                }

                current.Write(buffer, 0, read);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side closed.
        }

        Keep(current);
    }

    private async Task CopyAnswersAsync(NetworkStream from, TcpClient client)
    {
        var buffer = new byte[65536];
        var to = client.GetStream();
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 12)) == "HTTP/1.1 202" && Interlocked.Exchange(ref _dropAccepted, 0) == 1)
                {
                    // The server took the message; its answer is lost: the connection drops without a word.
                    Dropped++;
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Close();
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side closed.
        }
    }

    private static bool StartsRequest(byte[] buffer, int read)
    {
        var start = Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 8));
        return start.StartsWith("GET /", StringComparison.Ordinal) || start.StartsWith("POST /", StringComparison.Ordinal);
    }

    private void Keep(MemoryStream request)
    {
        if (request.Length > 0)
        {
            lock (_requests)
            {
                _requests.Add(request.ToArray());
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace DirSync.Tests.Ldap;

/// <summary>A loopback TCP relay to a server that cuts every connection after the server has sent a given number of bytes: a connection lost mid-run.</summary>
internal sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly long _limit;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public DroppingProxy(int targetPort, long limit)
    {
        _targetPort = targetPort;
        _limit = limit;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"ldap://127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort);
            var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
            var buffer = new byte[4096];
            long sent = 0;
            var down = server.GetStream();
            try
            {
                while (sent < _limit)
                {
                    var n = await down.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _limit - sent)), _stop.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    await client.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                    sent += n;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
            }

            // A reset, as when a server or the network dies, rather than an orderly close.
            client.Client.LingerState = new LingerOption(true, 0);
            _ = up.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }
}

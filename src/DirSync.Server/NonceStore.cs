using System.Collections.Concurrent;
using System.Security.Cryptography;
using DirSync.Core.Hub;

namespace DirSync.Server;

/// <summary>The nonces handed out for signed requests: each good once, for <see cref="HubHttp.NonceLifetime"/>.</summary>
/// <remarks>
/// Kept in memory only: a restarted <c>serve</c> knows none, so a request signed before the restart is refused
/// and the requestor simply asks for a new nonce. The number outstanding is bounded, so asking for nonces
/// without using them cannot exhaust memory: past the bound, the oldest are forgotten.
/// </remarks>
internal sealed class NonceStore(TimeProvider time, int capacity = 100_000)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>Hands out a new nonce.</summary>
    public string Issue()
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _issued[nonce] = time.GetUtcNow() + HubHttp.NonceLifetime;
        _order.Enqueue(nonce);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _issued.TryRemove(oldest, out _);
        }

        return nonce;
    }

    /// <summary>Uses a nonce up: true when it was handed out, not used before and not expired.</summary>
    public bool TryConsume(string nonce) =>
        _issued.TryRemove(nonce, out var expires) && expires >= time.GetUtcNow();
}

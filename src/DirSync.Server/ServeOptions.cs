using System.Net;
using System.Security.Cryptography.X509Certificates;
using DirSync.Core.Hub;
using DirSync.Core.Storage;

namespace DirSync.Server;

/// <summary>How <c>dirsync serve</c> runs: where it listens, with which certificate, on which store.</summary>
public sealed record ServeOptions
{
    /// <summary>The address <c>serve</c> listens on unless told otherwise: loopback only.</summary>
    public static readonly IPEndPoint DefaultListen = new(IPAddress.Loopback, 8080);

    /// <summary>Opens the store for one request; the server disposes it when the request is done.</summary>
    public required Func<CancellationToken, Task<IDirectoryStore>> OpenStore { get; init; }

    /// <summary>The addresses to listen on.</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [DefaultListen];

    /// <summary>The certificate for HTTPS; null for plain HTTP.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The largest message body accepted; a larger one is refused (413) before it is read whole.</summary>
    public long MaxMessageBytes { get; init; } = MessageFile.DefaultMaxMessageBytes;

    /// <summary>How often the status page reloads itself, in seconds.</summary>
    public int RefreshSeconds { get; init; } = 10;

    /// <summary>The clock (tests); the system clock by default.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called with one line per hub request and per problem, for the operator.</summary>
    public Action<string>? Log { get; init; }
}

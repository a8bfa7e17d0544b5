using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>How a requestor's messages reach the server and its replies come back: drop folders, or the server's <c>dirsync serve</c> over HTTP.</summary>
internal sealed class RequestorTransport : IDisposable
{
    private readonly HubClient? _client;

    private RequestorTransport(IMessageSink server, IMessageSource replies, HubClient? client)
    {
        Server = server;
        Replies = replies;
        _client = client;
    }

    /// <summary>Where the requestor's messages go.</summary>
    public IMessageSink Server { get; }

    /// <summary>Where its replies wait.</summary>
    public IMessageSource Replies { get; }

    /// <summary>The transport the store's requestor settings name.</summary>
    /// <exception cref="DirSyncException">The store is not a requestor, or a drop folder does not exist.</exception>
    public static async Task<RequestorTransport> OpenAsync(IDirectoryReader store, CancellationToken cancellationToken)
    {
        var state = await HubSettings.RequestorAsync(store, cancellationToken)
            ?? throw new DirSyncException($"this store is not a Dir-Sync requestor; enable it with '{CommandHints.RequestorEnable()}'", ErrorCategory.InvalidValue);
        if (state.ServerUrl is { } url)
        {
            var client = new HubClient(new Uri(url), state.Name, state.Key);
            return new RequestorTransport(client.Outbox, client.Replies, client);
        }

        // Each folder is opened only when it is used, so a missing inbox does not stop a send, nor the reverse.
        return new RequestorTransport(new LazyFolder(state.ServerInbox!), new LazyFolder(state.Inbox!), null);
    }

    public void Dispose() => _client?.Dispose();

    /// <summary>A drop folder opened (and checked to exist) at its first use.</summary>
    private sealed class LazyFolder(string path) : IMessageSink, IMessageSource
    {
        private DropFolder? _folder;

        private DropFolder Folder => _folder ??= new DropFolder(path);

        public IOutgoingMessage Create(DateTimeOffset now) => ((IMessageSink)Folder).Create(now);

        public IAsyncEnumerable<ClaimedMessage> ClaimAsync(CancellationToken cancellationToken) => ((IMessageSource)Folder).ClaimAsync(cancellationToken);

        public ValueTask CompleteAsync(ClaimedMessage message, CancellationToken cancellationToken) => ((IMessageSource)Folder).CompleteAsync(message, cancellationToken);

        public ValueTask RejectAsync(ClaimedMessage message, string reason, CancellationToken cancellationToken) => ((IMessageSource)Folder).RejectAsync(message, reason, cancellationToken);

        public ValueTask ReleaseAsync(ClaimedMessage message, CancellationToken cancellationToken) => ((IMessageSource)Folder).ReleaseAsync(message, cancellationToken);
    }
}

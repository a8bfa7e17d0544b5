using DirSync.Core.Events;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>The server's end of the hub's HTTP transport: authenticates requestors' requests, puts their messages in the inbox, hands out their replies.</summary>
/// <remarks>
/// <para>A posted message is checked exactly as <c>server receive</c> checks a dropped one (the same code) and, once
/// accepted, is put into the server's inbox like a dropped message: <c>server receive</c> — on its schedule, kicked, or
/// by the daemon as messages arrive — takes it in, checking it once more. Nothing of a message is applied here.</para>
/// <para>Every refusal is logged as an event with its code and recorded as the requestor's last refusal, in a short
/// transaction of its own; no write transaction is held while the network is read.</para>
/// </remarks>
public sealed class HubGateway
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the gateway of <paramref name="store"/>, a dir-sync server.</summary>
    public HubGateway(IDirectoryStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Called with a refusal or contact that could not be recorded (the store stayed busy); the request is answered all the same.</summary>
    public Action<string>? Problem { get; init; }

    /// <summary>The registered requestor that signed a request (read before its body is).</summary>
    /// <exception cref="MessageRefusedException">158: it is not registered (logged).</exception>
    /// <exception cref="DirSyncException">The store is not a dir-sync server.</exception>
    public async Task<RegisteredRequestor> SignerAsync(RequestSignature signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signature);
        _ = DirSyncServer.Active(await HubSettings.ServerAsync(_store, cancellationToken));
        return await HubSettings.RegisteredAsync(_store, signature.Requestor, cancellationToken)
            ?? throw await RefuseAsync(null, EventCodes.NotRegistered, $"a request from requestor {signature.Requestor}, which is not registered; register it with '{CommandHints.ServerAddHttpRequestor(signature.Requestor)}'", cancellationToken);
    }

    /// <summary>Checks a request's signature against the signer's key, and that its nonce was fresh.</summary>
    /// <exception cref="MessageRefusedException">156: the signature does not match the registered password; 161: the nonce was used before or expired (both logged).</exception>
    public async Task VerifyAsync(RegisteredRequestor signer, RequestSignature signature, string method, string path, string bodySha256, bool nonceFresh, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(signature);
        if (!signature.Verify(signer.Key, method, path, bodySha256))
        {
            throw await RefuseAsync(signer.Name, EventCodes.BadPassword, $"invalid Dir-Sync password from {signer.Name}: the signature of its {method} {path} does not match the password registered here; the administrators must agree on it ('{CommandHints.ServerAddHttpRequestor(signer.Name)}' here, '{CommandHints.RequestorHttpPassword()}' there)", cancellationToken);
        }

        if (!nonceFresh)
        {
            throw await RefuseAsync(signer.Name, EventCodes.Replayed, $"a replayed request from {signer.Name}: the nonce of its {method} {path} was used before or has expired; refused", cancellationToken);
        }
    }

    /// <summary>Starts a posted message in the server's inbox, under a temporary name no receiver reads.</summary>
    public async Task<AtomicFile> BeginMessageAsync(CancellationToken cancellationToken = default)
    {
        var state = DirSyncServer.Active(await HubSettings.ServerAsync(_store, cancellationToken));
        return new DropFolder(state.Inbox).CreateMessage(_time.GetUtcNow());
    }

    /// <summary>Checks a posted message as <c>server receive</c> does and, when it passes, puts it in the inbox.</summary>
    /// <param name="file">The message, written and not yet committed.</param>
    /// <param name="sender">The requestor that signed the request: the message must be its own.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The message's name in the inbox.</returns>
    /// <exception cref="MessageRefusedException">The message failed a check (logged; nothing of it is kept).</exception>
    public async Task<string> AcceptMessageAsync(AtomicFile file, RegisteredRequestor sender, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sender);
        file.Flush();
        var state = DirSyncServer.Active(await HubSettings.ServerAsync(_store, cancellationToken));
        var name = Path.GetFileName(file.Path);
        var claimed = new ClaimedMessage(name, file.TemporaryPath);
        var verdict = await new DirSyncServer(_store, _time).CheckAsync(claimed, state.Name, _store, cancellationToken);
        if (verdict.Refusal is { } refusal)
        {
            throw await RefuseAsync(refusal.Sender ?? sender.Name, refusal.Code, refusal.Reason, cancellationToken);
        }

        var (message, _, _) = MessageFile.Inspect(file.TemporaryPath, name);
        if (!PostofficeName.Same(message.From, sender.Name))
        {
            throw await RefuseAsync(sender.Name, EventCodes.BadPassword, $"a message from {message.From} was posted with the signature of {sender.Name}; each requestor posts only its own messages", cancellationToken);
        }

        file.Commit();
        await RecordAsync(
            async (transaction, ct) =>
            {
                await TouchAsync(transaction, sender.Name, ct);
                await EventLog.WriteAsync(transaction, _time, EventCodes.MessageReceived, EventSeverity.Detail, $"message {name} from {sender.Name} arrived over HTTP; 'server receive' takes it in", ct);
            },
            cancellationToken);
        return name;
    }

    /// <summary>The replies waiting for <paramref name="requestor"/>, oldest first.</summary>
    public IReadOnlyList<(string Name, long Length)> PendingReplies(RegisteredRequestor requestor) => Replies(requestor).Pending();

    /// <summary>Opens a waiting reply for reading; null when no reply of that name waits.</summary>
    public FileStream? OpenReply(RegisteredRequestor requestor, string name)
    {
        var claimed = Replies(requestor).Find(name);
        if (claimed is null)
        {
            return null;
        }

        try
        {
            return new FileStream(claimed.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Removes a reply the requestor took in, or sets one it refused aside in <c>rejected/</c> with its reason.</summary>
    /// <returns>False when no reply of that name waits (acknowledged already).</returns>
    public async Task<bool> AcknowledgeAsync(RegisteredRequestor requestor, string name, string? refusal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestor);
        var folder = Replies(requestor);
        var claimed = folder.Find(name);
        if (claimed is null)
        {
            return false;
        }

        if (refusal is null)
        {
            DropFolder.Complete(claimed);
            await RecordAsync((transaction, ct) => TouchAsync(transaction, requestor.Name, ct), cancellationToken);
            return true;
        }

        var reason = refusal.Length > 1000 ? refusal[..1000] : refusal;
        folder.Reject(claimed, $"refused by {requestor.Name}: {reason}");
        var code = HubError.TryParse(reason)?.Code ?? EventCodes.InvalidFormat;
        await RecordAsync(
            async (transaction, ct) =>
            {
                await TouchAsync(transaction, requestor.Name, ct);
                await EventLog.WriteAsync(transaction, _time, code, EventSeverity.Error, $"{requestor.Name} refused the reply {name}: {reason} (moved to rejected/ in its replies folder)", ct);
            },
            cancellationToken);
        return true;
    }

    private static DropFolder Replies(RegisteredRequestor requestor)
    {
        ArgumentNullException.ThrowIfNull(requestor);
        if (!requestor.FetchesReplies)
        {
            throw new MessageRefusedException(EventCodes.NotAddressedHere, $"the replies to {requestor.Name} go to its inbox, not over HTTP; register it without --inbox to have them kept here for it");
        }

        return new DropFolder(requestor.Inbox);
    }

    private async Task TouchAsync(IDirectoryTransaction transaction, string requestor, CancellationToken cancellationToken)
    {
        if (await HubSettings.RegisteredAsync(transaction, requestor, cancellationToken) is { } current)
        {
            await HubSettings.SaveAsync(transaction, current with { LastContact = _time.GetUtcNow() }, cancellationToken);
        }
    }

    private async Task<MessageRefusedException> RefuseAsync(string? sender, int code, string reason, CancellationToken cancellationToken)
    {
        await RecordAsync(
            async (transaction, ct) =>
            {
                await EventLog.WriteAsync(transaction, _time, code, EventSeverity.Error, $"{code}: {reason} (refused over HTTP)", ct);
                await DirSyncServer.RecordRefusalAsync(transaction, _time, sender, code, reason, ct);
            },
            cancellationToken);
        return new MessageRefusedException(code, reason);
    }

    private async Task RecordAsync(Func<IDirectoryTransaction, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
            await write(transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.Busy)
        {
            Problem?.Invoke($"could not record it in the store: {e.Message}");
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>A requestor's end of the hub's HTTP transport: posts its messages to <c>dirsync serve</c> and fetches the replies kept there for it.</summary>
/// <remarks>
/// <para>Every request is signed with the requestor's key over a nonce the server hands out for it (see
/// <see cref="RequestSignature"/>). Messages are written to a private temporary folder first, so the store's
/// transaction is committed before anything goes over the network, and fetched replies land there before they
/// are checked and taken in.</para>
/// <para>Only the BCL's <see cref="HttpClient"/> is used: Core holds no web server code.</para>
/// </remarks>
public sealed class HubClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly string _requestor;
    private readonly string _key;
    private readonly long _maxMessageBytes;
    private DirectoryInfo? _spool;

    /// <summary>Creates a client for the server at <paramref name="server"/>, signing as <paramref name="requestor"/>.</summary>
    /// <param name="server">The server's base URL (http or https).</param>
    /// <param name="requestor">This requestor's postoffice name.</param>
    /// <param name="key">Its key (derived from its password).</param>
    /// <param name="handler">The HTTP handler (tests); null for the default.</param>
    /// <param name="maxMessageBytes">The largest reply fetched.</param>
    public HubClient(Uri server, string requestor, string key, HttpMessageHandler? handler = null, long maxMessageBytes = MessageFile.DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(requestor);
        ArgumentNullException.ThrowIfNull(key);
        _server = server;
        _requestor = requestor;
        _key = key;
        _maxMessageBytes = maxMessageBytes;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) }) { Timeout = TimeSpan.FromMinutes(30) }
            : new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromMinutes(30) };
    }

    /// <summary>Where this requestor's messages go: each is posted once its numbers are committed.</summary>
    public IMessageSink Outbox => new Sink(this);

    /// <summary>The replies the server keeps for this requestor: each is fetched, taken in, then acknowledged.</summary>
    public IMessageSource Replies => new Source(this);

    /// <summary>Validates a server URL: absolute, http or https.</summary>
    /// <exception cref="InvalidValueException">It is not.</exception>
    public static Uri ParseServerUrl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new InvalidValueException($"invalid server URL '{text}': give the address 'dirsync serve' listens on, such as http://hub.example.com:8080 or https://hub.example.com");
        }

        return uri;
    }

    /// <summary>Posts a message file; returns when the server has put it in its inbox.</summary>
    /// <exception cref="DirSyncException">The server refused it (<see cref="ErrorCategory.Sync"/>) or could not be reached (<see cref="ErrorCategory.Network"/>).</exception>
    public async Task PostMessageAsync(string path, CancellationToken cancellationToken = default)
    {
        string sha256;
        await using (var read = File.OpenRead(path))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken));
        }

        await using var body = File.OpenRead(path);
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(HubHttp.MessageMediaType);
        content.Headers.ContentLength = body.Length;
        using var response = await SendAsync(HttpMethod.Post, HubHttp.MessagesPath, content, sha256, "post the message", cancellationToken);
        await EnsureAsync(response, "the message", cancellationToken);
    }

    /// <summary>The names of the replies waiting on the server, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListRepliesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, HubHttp.RepliesPath, null, RequestSignature.EmptyBodySha256, "list the replies", cancellationToken);
        await EnsureAsync(response, "the list of replies", cancellationToken);
        var listing = await ReadJsonAsync<ReplyList>(response, cancellationToken);
        return listing.Replies.Select(r => r.Name).ToList();
    }

    /// <summary>Fetches one reply into <paramref name="path"/>; false when it is no longer waiting.</summary>
    public async Task<bool> FetchReplyAsync(string name, string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, HubHttp.ReplyPath(name), null, RequestSignature.EmptyBodySha256, "fetch a reply", cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync(response, $"reply {name}", cancellationToken);
        if (response.Content.Headers.ContentLength > _maxMessageBytes)
        {
            throw new DirSyncException($"reply {name} is {response.Content.Headers.ContentLength} bytes, over the limit of {_maxMessageBytes} bytes", ErrorCategory.Format);
        }

        using var file = AtomicFile.Create(path);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > _maxMessageBytes)
                {
                    throw new DirSyncException($"reply {name} is over the limit of {_maxMessageBytes} bytes", ErrorCategory.Format);
                }

                await file.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException && e is not DirSyncException)
        {
            throw Unreachable("fetch a reply", e);
        }

        file.Commit();
        return true;
    }

    /// <summary>Acknowledges a reply: taken in (the server removes it), or refused with <paramref name="refusal"/> (the server sets it aside).</summary>
    public async Task AcknowledgeAsync(string name, string? refusal, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Acknowledgement(refusal is null ? "done" : "refused", refusal), Json);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await SendAsync(HttpMethod.Post, HubHttp.AcknowledgePath(name), content, Convert.ToHexStringLower(SHA256.HashData(bytes)), "acknowledge a reply", cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            // Not found: acknowledged already (by a receive running beside this one).
            await EnsureAsync(response, $"the acknowledgement of reply {name}", cancellationToken);
        }
    }

    /// <summary>Removes the temporary folder.</summary>
    public void Dispose()
    {
        _http.Dispose();
        if (_spool is not null)
        {
            try
            {
                _spool.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Only temporary copies are in it; the system's cleaner takes what is left.
            }
        }
    }

    private string Spool()
    {
        _spool ??= Directory.CreateTempSubdirectory("dirsync-");
        return _spool.FullName;
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, HttpContent? content, string bodySha256, string what, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            var nonce = await NonceAsync(cancellationToken);
            using var request = new HttpRequestMessage(method, new Uri(_server, path)) { Content = content };
            var signature = RequestSignature.Sign(_requestor, _key, nonce, method.Method, path, bodySha256);
            request.Headers.Authorization = new AuthenticationHeaderValue(HubHttp.Scheme, signature.ToParameters());
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(what, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(what, e);
        }
    }

    private async Task<string> NonceAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri(_server, HubHttp.ChallengePath), null, cancellationToken);
        await EnsureAsync(response, "a nonce", cancellationToken);
        return (await ReadJsonAsync<Challenge>(response, cancellationToken)).Nonce;
    }

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        Problem? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize<Problem>(await response.Content.ReadAsStringAsync(cancellationToken), Json);
        }
        catch (JsonException)
        {
            // Not a DirSync server's answer (a proxy's error page, say): the status says enough.
        }

        if (problem?.Code is { } code && problem.Error is { } error)
        {
            throw new DirSyncException($"the server at {_server} refused {what} (HTTP {status}): {code}: {error}", ErrorCategory.Sync);
        }

        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            throw new DirSyncException($"the server at {_server} refused {what} (HTTP 413): it is over the server's size limit", ErrorCategory.Sync);
        }

        throw new DirSyncException($"the server at {_server} answered HTTP {status} {response.ReasonPhrase} for {what}; is it 'dirsync serve'?", ErrorCategory.Network);
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(cancellationToken), Json)
                ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new DirSyncException($"the server at {_server} did not answer as 'dirsync serve' does ({e.Message})", ErrorCategory.Network, e);
        }
    }

    /// <summary>True for a name a drop folder gives a message: letters, digits and '-', ending in <c>.dsm</c>.</summary>
    private static bool IsMessageName(string name) =>
        name.Length is > 4 and <= 128 && name.EndsWith(DropFolder.Extension, StringComparison.Ordinal)
        && name[..^DropFolder.Extension.Length].All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private DirSyncException Unreachable(string what, Exception e) =>
        new($"could not {what} at {_server}: {e.Message}", ErrorCategory.Network, e);

    private sealed record Challenge(string Nonce);

    private sealed record ReplyList(IReadOnlyList<ReplyEntry> Replies);

    private sealed record ReplyEntry(string Name, long Length);

    private sealed record Problem(int? Code, string? Error);

    private sealed record Acknowledgement(string Outcome, string? Reason);

    /// <summary>A message written to the spool folder, posted once the sender's numbers are committed.</summary>
    private sealed class Outgoing(HubClient client, AtomicFile file) : IOutgoingMessage
    {
        public Stream Stream => file.Stream;

        public void Flush() => file.Flush();

        public async Task DeliverAsync(CancellationToken cancellationToken)
        {
            file.Flush();
            try
            {
                await client.PostMessageAsync(file.TemporaryPath, cancellationToken);
            }
            catch (DirSyncException e) when (e.Category == ErrorCategory.Network)
            {
                throw new DirSyncException(
                    $"{e.Message}; the message may or may not have arrived: its transactions stay queued until the server acknowledges them, and the next 'dirsync requestor send' sends them again",
                    ErrorCategory.Network, e);
            }
        }

        public void Dispose() => file.Dispose();
    }

    private sealed class Sink(HubClient client) : IMessageSink
    {
        public IOutgoingMessage Create(DateTimeOffset now) =>
            new Outgoing(client, AtomicFile.Create(Path.Combine(client.Spool(), $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}{DropFolder.Extension}")));
    }

    /// <summary>The replies waiting on the server: each fetched into the spool folder, and acknowledged once taken in or refused.</summary>
    private sealed class Source(HubClient client) : IMessageSource
    {
        public async IAsyncEnumerable<ClaimedMessage> ClaimAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var name in await client.ListRepliesAsync(cancellationToken))
            {
                if (!IsMessageName(name))
                {
                    throw new DirSyncException($"the server at {client._server} named a reply '{name}', which is not a message file name; is it 'dirsync serve'?", ErrorCategory.Network);
                }

                var path = Path.Combine(client.Spool(), Path.GetFileName(name));
                if (await client.FetchReplyAsync(name, path, cancellationToken))
                {
                    yield return new ClaimedMessage(name, path);
                }
            }
        }

        public async ValueTask CompleteAsync(ClaimedMessage message, CancellationToken cancellationToken)
        {
            await client.AcknowledgeAsync(message.Name, null, cancellationToken);
            File.Delete(message.Path);
        }

        public async ValueTask RejectAsync(ClaimedMessage message, string reason, CancellationToken cancellationToken)
        {
            await client.AcknowledgeAsync(message.Name, reason, cancellationToken);
            File.Delete(message.Path);
        }

        public ValueTask ReleaseAsync(ClaimedMessage message, CancellationToken cancellationToken)
        {
            // Left on the server, where the next receive fetches it again.
            File.Delete(message.Path);
            return ValueTask.CompletedTask;
        }
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;

namespace DirSync.Ldap.Protocol;

/// <summary>One LDAPv3 connection (RFC 4511) over TCP, TLS or StartTLS, with any number of operations outstanding.</summary>
/// <remarks>
/// <para>Written on BER directly rather than on System.DirectoryServices.Protocols: on Linux that library
/// drops the controls of search entries and every intermediate response, which carry RFC 4533's
/// entry UUIDs and deletions, and its asynchronous calls poll with sleeps of up to 100 ms.</para>
/// <para>Requests are queued and written by one writer that flushes when the queue runs dry, so a
/// burst of operations leaves in a few packets; one reader hands each response to the operation
/// with its message id. A search's messages arrive through a bounded channel, so a slow consumer
/// slows the server rather than filling memory.</para>
/// </remarks>
internal sealed class LdapConnection : IAsyncDisposable
{
    private const int StartTlsResponseTimeoutSeconds = 30;

    private readonly TcpClient _tcp;
    private readonly string _host;
    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private Stream _stream;
    private Task? _reader;
    private Task? _writer;
    private int _nextId;
    private volatile Exception? _failure;

    private LdapConnection(TcpClient tcp, Stream stream, string host)
    {
        _tcp = tcp;
        _stream = stream;
        _host = host;
    }

    /// <summary>How long one operation may wait for its answer.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether the connection is encrypted.</summary>
    public bool IsEncrypted => _stream is SslStream;

    /// <summary>Opens a connection; with <paramref name="tls"/>, TLS from the first byte (ldaps).</summary>
    /// <exception cref="LdapConnectionException">The server cannot be reached or its certificate does not verify.</exception>
    public static async Task<LdapConnection> OpenAsync(string host, int port, bool tls, X509Certificate2Collection? trustedCas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(timeout);
                try
                {
                    await tcp.ConnectAsync(host, port, connectTimeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new LdapConnectionException($"no answer from {host}:{port} within {timeout.TotalSeconds:0} s");
                }
                catch (SocketException e)
                {
                    throw new LdapConnectionException($"cannot connect to {host}:{port}: {e.Message}", e);
                }
            }

            var connection = new LdapConnection(tcp, tcp.GetStream(), host);
            if (tls)
            {
                await connection.WrapTlsAsync(trustedCas, timeout, cancellationToken);
            }

            connection.Start();
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Opens a plain connection and upgrades it with StartTLS (RFC 4511 section 4.14) before anything else is sent.</summary>
    public static async Task<LdapConnection> OpenStartTlsAsync(string host, int port, X509Certificate2Collection? trustedCas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(timeout);
                try
                {
                    await tcp.ConnectAsync(host, port, connectTimeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new LdapConnectionException($"no answer from {host}:{port} within {timeout.TotalSeconds:0} s");
                }
                catch (SocketException e)
                {
                    throw new LdapConnectionException($"cannot connect to {host}:{port}: {e.Message}", e);
                }
            }

            var connection = new LdapConnection(tcp, tcp.GetStream(), host);

            // The StartTLS exchange happens before the reader runs: nothing else may be on the wire.
            var request = Encode(1, w =>
            {
                var tag = new Asn1Tag(TagClass.Application, LdapOperations.ExtendedRequest, true);
                w.PushSequence(tag);
                w.WriteOctetString(Encoding.ASCII.GetBytes("1.3.6.1.4.1.1466.20037"), new Asn1Tag(TagClass.ContextSpecific, 0));
                w.PopSequence(tag);
            }, null);
            connection._nextId = 1;
            await connection._stream.WriteAsync(request, cancellationToken);
            using var responseTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            responseTimeout.CancelAfter(TimeSpan.FromSeconds(StartTlsResponseTimeoutSeconds));
            var message = await ReadMessageAsync(connection._stream, responseTimeout.Token)
                ?? throw new LdapConnectionException($"{host}:{port} closed the connection when asked for StartTLS");
            var response = Decode(message);
            if (response.Result is not { } result || !result.IsSuccess)
            {
                throw new LdapConnectionException($"{host}:{port} refused StartTLS: {response.Result?.Describe() ?? "no result"}");
            }

            await connection.WrapTlsAsync(trustedCas, timeout, cancellationToken);
            connection.Start();
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>A simple bind (RFC 4513 section 5.1); an empty name and password bind anonymously.</summary>
    public async Task<LdapResult> BindAsync(string dn, string password, CancellationToken cancellationToken)
    {
        var response = await SendAsync(w =>
        {
            var tag = new Asn1Tag(TagClass.Application, LdapOperations.BindRequest, true);
            w.PushSequence(tag);
            w.WriteInteger(3);
            w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            w.WriteOctetString(Encoding.UTF8.GetBytes(password), new Asn1Tag(TagClass.ContextSpecific, 0));
            w.PopSequence(tag);
        }, null, cancellationToken);
        return response.Result!;
    }

    /// <summary>Adds an entry.</summary>
    public async Task<LdapResult> AddAsync(string dn, IEnumerable<(string Name, IReadOnlyList<byte[]> Values)> attributes, IReadOnlyList<LdapControl>? controls, CancellationToken cancellationToken)
    {
        var response = await SendAsync(w =>
        {
            var tag = new Asn1Tag(TagClass.Application, LdapOperations.AddRequest, true);
            w.PushSequence(tag);
            w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            w.PushSequence();
            foreach (var (name, values) in attributes)
            {
                w.PushSequence();
                w.WriteOctetString(Encoding.UTF8.GetBytes(name));
                w.PushSetOf();
                foreach (var value in values)
                {
                    w.WriteOctetString(value);
                }

                w.PopSetOf();
                w.PopSequence();
            }

            w.PopSequence();
            w.PopSequence(tag);
        }, controls, cancellationToken);
        return response.Result!;
    }

    /// <summary>Modifies an entry.</summary>
    public async Task<LdapResult> ModifyAsync(string dn, IReadOnlyList<LdapModification> changes, CancellationToken cancellationToken)
    {
        var response = await SendAsync(w =>
        {
            var tag = new Asn1Tag(TagClass.Application, LdapOperations.ModifyRequest, true);
            w.PushSequence(tag);
            w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            w.PushSequence();
            foreach (var change in changes)
            {
                w.PushSequence();
                w.WriteEnumeratedValue((Enumerated)change.Operation);
                w.PushSequence();
                w.WriteOctetString(Encoding.UTF8.GetBytes(change.Attribute));
                w.PushSetOf();
                foreach (var value in change.Values)
                {
                    w.WriteOctetString(value);
                }

                w.PopSetOf();
                w.PopSequence();
                w.PopSequence();
            }

            w.PopSequence();
            w.PopSequence(tag);
        }, null, cancellationToken);
        return response.Result!;
    }

    /// <summary>Renames or moves an entry (modrdn / moddn).</summary>
    public async Task<LdapResult> ModifyDnAsync(string dn, string newRdn, bool deleteOldRdn, string? newSuperior, CancellationToken cancellationToken)
    {
        var response = await SendAsync(w =>
        {
            var tag = new Asn1Tag(TagClass.Application, LdapOperations.ModifyDnRequest, true);
            w.PushSequence(tag);
            w.WriteOctetString(Encoding.UTF8.GetBytes(dn));
            w.WriteOctetString(Encoding.UTF8.GetBytes(newRdn));
            w.WriteBoolean(deleteOldRdn);
            if (newSuperior is not null)
            {
                w.WriteOctetString(Encoding.UTF8.GetBytes(newSuperior), new Asn1Tag(TagClass.ContextSpecific, 0));
            }

            w.PopSequence(tag);
        }, null, cancellationToken);
        return response.Result!;
    }

    /// <summary>Deletes an entry.</summary>
    public async Task<LdapResult> DeleteAsync(string dn, CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            w => w.WriteOctetString(Encoding.UTF8.GetBytes(dn), new Asn1Tag(TagClass.Application, LdapOperations.DeleteRequest)),
            null,
            cancellationToken);
        return response.Result!;
    }

    /// <summary>Starts a search; its entries, references and intermediate responses arrive in order, the result last.</summary>
    /// <remarks>Abandoned on the server when the caller stops reading early.</remarks>
    public async IAsyncEnumerable<LdapResponse> SearchAsync(
        string baseDn,
        SearchScope scope,
        LdapFilter filter,
        IReadOnlyList<string> attributes,
        IReadOnlyList<LdapControl>? controls,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken,
        int sizeLimit = 0)
    {
        var channel = Channel.CreateBounded<LdapResponse>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        var id = Register(new Pending(null, channel));
        var finished = false;
        try
        {
            Enqueue(Encode(id, w =>
            {
                var tag = new Asn1Tag(TagClass.Application, LdapOperations.SearchRequest, true);
                w.PushSequence(tag);
                w.WriteOctetString(Encoding.UTF8.GetBytes(baseDn));
                w.WriteEnumeratedValue((Enumerated)(int)scope);
                w.WriteEnumeratedValue(Enumerated.Zero); // derefAliases: never
                w.WriteInteger(sizeLimit);
                w.WriteInteger(0);
                w.WriteBoolean(false);
                filter.Write(w);
                w.PushSequence();
                foreach (var attribute in attributes)
                {
                    w.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
                }

                w.PopSequence();
                w.PopSequence(tag);
            }, controls));
            while (true)
            {
                // Messages usually wait in the channel already; the timer is set only when one has to be waited for.
                if (!channel.Reader.TryRead(out var response))
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(OperationTimeout);
                    try
                    {
                        response = await channel.Reader.ReadAsync(wait.Token);
                    }
                    catch (ChannelClosedException)
                    {
                        throw Failed();
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new LdapConnectionException($"{_host} sent nothing for {OperationTimeout.TotalSeconds:0} s during a search");
                    }
                }

                if (response.IsDone)
                {
                    finished = true;
                    yield return response;
                    yield break;
                }

                yield return response;
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
            if (!finished && _failure is null)
            {
                Enqueue(Encode(NextId(), w => w.WriteInteger(id, new Asn1Tag(TagClass.Application, LdapOperations.AbandonRequest)), null));
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_failure is null)
        {
            try
            {
                Enqueue(Encode(NextId(), w => w.WriteNull(new Asn1Tag(TagClass.Application, LdapOperations.UnbindRequest)), null));
                _outgoing.Writer.TryComplete();
                if (_writer is not null)
                {
                    await _writer.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            catch (LdapConnectionException)
            {
                // Already gone: nothing to say goodbye to.
            }
        }

        _failure ??= new LdapConnectionException("the connection was closed");
        _closing.Cancel();
        _outgoing.Writer.TryComplete();
        _tcp.Dispose();
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stream.Dispose();
        _closing.Dispose();
    }

    internal static byte[] Encode(int id, Action<AsnWriter> operation, IReadOnlyList<LdapControl>? controls)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteInteger(id);
        operation(writer);
        if (controls is { Count: > 0 })
        {
            var tag = new Asn1Tag(TagClass.ContextSpecific, 0, true);
            writer.PushSequence(tag);
            foreach (var control in controls)
            {
                writer.PushSequence();
                writer.WriteOctetString(Encoding.ASCII.GetBytes(control.Oid));
                if (control.Critical)
                {
                    writer.WriteBoolean(true);
                }

                if (control.Value is not null)
                {
                    writer.WriteOctetString(control.Value);
                }

                writer.PopSequence();
            }

            writer.PopSequence(tag);
        }

        writer.PopSequence();
        return writer.Encode();
    }

    internal static LdapResponse Decode(byte[] message)
    {
        var outer = new AsnReader(message, AsnEncodingRules.BER).ReadSequence();
        if (!outer.TryReadInt32(out var id))
        {
            throw new AsnContentException("the message id is not a 32-bit integer");
        }

        var tag = outer.PeekTag();
        if (tag.TagClass != TagClass.Application)
        {
            throw new AsnContentException($"unexpected protocol operation tag {tag}");
        }

        var operation = tag.TagValue;
        LdapEntry? entry = null;
        LdapResult? result = null;
        string? name = null;
        byte[]? value = null;
        switch (operation)
        {
            case LdapOperations.SearchEntry:
                {
                    var body = outer.ReadSequence(tag);
                    entry = new LdapEntry(Encoding.UTF8.GetString(body.ReadOctetString()));
                    var attributes = body.ReadSequence();
                    while (attributes.HasData)
                    {
                        var attribute = attributes.ReadSequence();
                        var type = Encoding.UTF8.GetString(attribute.ReadOctetString());
                        var values = attribute.ReadSetOf(skipSortOrderValidation: true);
                        var any = false;
                        while (values.HasData)
                        {
                            entry.Add(type, values.ReadOctetString());
                            any = true;
                        }

                        if (!any)
                        {
                            entry.Add(type, []);
                        }
                    }

                    break;
                }

            case LdapOperations.SearchReference:
                outer.ReadEncodedValue();
                break;
            case LdapOperations.Intermediate:
                {
                    var body = outer.ReadSequence(tag);
                    if (body.HasData && body.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        name = Encoding.ASCII.GetString(body.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)));
                    }

                    if (body.HasData && body.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
                    {
                        value = body.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 1));
                    }

                    break;
                }

            default:
                {
                    var body = outer.ReadSequence(tag);
                    var code = (LdapResultCode)ReadEnumerated(body);
                    var matched = Encoding.UTF8.GetString(body.ReadOctetString());
                    var diagnostic = Encoding.UTF8.GetString(body.ReadOctetString());
                    while (body.HasData)
                    {
                        var extra = body.PeekTag();
                        if (operation == LdapOperations.ExtendedResponse && extra.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 10)))
                        {
                            name = Encoding.ASCII.GetString(body.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 10)));
                        }
                        else if (operation == LdapOperations.ExtendedResponse && extra.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 11)))
                        {
                            value = body.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 11));
                        }
                        else
                        {
                            body.ReadEncodedValue();
                        }
                    }

                    result = new LdapResult(code, matched, diagnostic, []);
                    break;
                }
        }

        IReadOnlyList<LdapControl> controls = [];
        if (outer.HasData && outer.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        {
            var list = new List<LdapControl>();
            var sequence = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
            while (sequence.HasData)
            {
                var control = sequence.ReadSequence();
                var oid = Encoding.ASCII.GetString(control.ReadOctetString());
                var critical = false;
                byte[]? controlValue = null;
                if (control.HasData && control.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                {
                    critical = control.ReadBoolean();
                }

                if (control.HasData)
                {
                    controlValue = control.ReadOctetString();
                }

                list.Add(new LdapControl(oid, critical, controlValue));
            }

            controls = list;
        }

        if (entry is not null)
        {
            entry.Controls = controls;
        }

        return new LdapResponse(id, operation)
        {
            Entry = entry,
            Result = result is null ? null : result with { Controls = controls },
            Name = name,
            Value = value,
            Controls = controls,
        };
    }

    /// <summary>Reads one whole LDAPMessage (its BER header tells its length); null at the end of the stream.</summary>
    internal static async Task<byte[]?> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[6];
        if (!await FillAsync(stream, header.AsMemory(0, 2), cancellationToken, allowEnd: true))
        {
            return null;
        }

        if (header[0] != 0x30)
        {
            throw new AsnContentException($"the server sent a message that is not an LDAPMessage (first byte 0x{header[0]:x2})");
        }

        int headerLength;
        long length;
        if ((header[1] & 0x80) == 0)
        {
            headerLength = 2;
            length = header[1];
        }
        else
        {
            var count = header[1] & 0x7f;
            if (count is 0 or > 4)
            {
                throw new AsnContentException("the server sent a message of unsupported length encoding");
            }

            await FillAsync(stream, header.AsMemory(2, count), cancellationToken, allowEnd: false);
            length = 0;
            for (var k = 0; k < count; k++)
            {
                length = (length << 8) | header[2 + k];
            }

            headerLength = 2 + count;
        }

        if (length > 256 * 1024 * 1024)
        {
            throw new AsnContentException($"the server sent a message of {length} bytes, more than the 256 MiB accepted");
        }

        var message = new byte[headerLength + length];
        header.AsSpan(0, headerLength).CopyTo(message);
        await FillAsync(stream, message.AsMemory(headerLength), cancellationToken, allowEnd: false);
        return message;
    }

    private static int ReadEnumerated(AsnReader reader)
    {
        var bytes = reader.ReadEnumeratedBytes().Span;
        var value = (bytes[0] & 0x80) != 0 ? -1 : 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static async Task<bool> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken, bool allowEnd)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..], cancellationToken);
            if (n == 0)
            {
                if (allowEnd && read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("the server closed the connection in the middle of a message");
            }

            read += n;
        }

        return true;
    }

    private async Task WrapTlsAsync(X509Certificate2Collection? trustedCas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = _host,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => CertificateIsTrusted(certificate, errors, trustedCas),
        };
        using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshakeTimeout.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, handshakeTimeout.Token);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new LdapConnectionException(
                trustedCas is null
                    ? $"the TLS certificate of {_host} does not verify against the system's trusted CAs ({e.Message})"
                    : $"the TLS certificate of {_host} does not verify against the CA given with --tls-ca ({e.Message})",
                e);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            throw new LdapConnectionException($"the TLS handshake with {_host} failed: {e.Message}", e);
        }

        _stream = ssl;
    }

    private static bool CertificateIsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? trustedCas)
    {
        if (trustedCas is null)
        {
            return errors == SslPolicyErrors.None;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        // Only the chain is judged again, against the given CA alone rather than the system's store.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private void Start()
    {
        _reader = Task.Run(ReadLoopAsync);
        _writer = Task.Run(WriteLoopAsync);
    }

    private async Task<LdapResponse> SendAsync(Action<AsnWriter> operation, IReadOnlyList<LdapControl>? controls, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<LdapResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = Register(new Pending(completion, null));
        try
        {
            Enqueue(Encode(id, operation, controls));
            try
            {
                return await completion.Task.WaitAsync(OperationTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new LdapConnectionException($"{_host} did not answer within {OperationTimeout.TotalSeconds:0} s");
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private int Register(Pending pending)
    {
        var id = NextId();
        _pending[id] = pending;
        if (_failure is not null)
        {
            _pending.TryRemove(id, out _);
            throw Failed();
        }

        return id;
    }

    private int NextId() => Interlocked.Increment(ref _nextId);

    private void Enqueue(byte[] message)
    {
        if (_failure is not null || !_outgoing.Writer.TryWrite(message))
        {
            throw Failed();
        }
    }

    private LdapConnectionException Failed() =>
        _failure as LdapConnectionException ?? new LdapConnectionException($"the connection to {_host} was lost: {_failure?.Message ?? "closed"}", _failure);

    private async Task WriteLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_closing.Token))
            {
                while (buffer.WrittenCount < 256 * 1024 && reader.TryRead(out var message))
                {
                    buffer.Write(message);
                }

                await _stream.WriteAsync(buffer.WrittenMemory, _closing.Token);
                await _stream.FlushAsync(_closing.Token);
                buffer.Clear();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            Fail(new LdapConnectionException($"the connection to {_host} was lost while sending: {e.Message}", e));
        }
    }

    private async Task ReadLoopAsync()
    {
        // Read through a buffer: a search's entries arrive many to a packet, and three reads of the socket per
        // message (tag, length, body) would each be a system call and, when the data is not there yet, a wake-up.
        var input = new BufferedStream(_stream, 256 * 1024);
        try
        {
            while (true)
            {
                var message = await ReadMessageAsync(input, _closing.Token);
                if (message is null)
                {
                    Fail(new LdapConnectionException($"{_host} closed the connection"));
                    return;
                }

                var response = Decode(message);
                if (response.MessageId == 0)
                {
                    // An unsolicited notification: the only one defined is the server's notice of disconnection.
                    Fail(new LdapConnectionException($"{_host} ended the connection: {response.Result?.Describe() ?? "notice of disconnection"}"));
                    return;
                }

                if (!_pending.TryGetValue(response.MessageId, out var pending))
                {
                    continue; // the answer to an abandoned search
                }

                if (pending.Completion is not null)
                {
                    pending.Completion.TrySetResult(response);
                }
                else
                {
                    try
                    {
                        await pending.Messages!.Writer.WriteAsync(response, _closing.Token);
                    }
                    catch (ChannelClosedException)
                    {
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException or EndOfStreamException)
        {
            Fail(new LdapConnectionException($"the connection to {_host} was lost: {e.Message}", e));
        }
        catch (AsnContentException e)
        {
            Fail(new LdapConnectionException($"{_host} sent a message that could not be read: {e.Message}", e));
        }
    }

    private void Fail(LdapConnectionException failure)
    {
        _failure ??= failure;
        _outgoing.Writer.TryComplete();
        foreach (var (id, pending) in _pending)
        {
            pending.Completion?.TrySetException(Failed());
            pending.Messages?.Writer.TryComplete();
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Stands in for RFC 4511's ENUMERATED values (operations, scopes), which System.Formats.Asn1 writes through an enum type.</summary>
    private enum Enumerated
    {
        Zero = 0,
    }

    private sealed record Pending(TaskCompletionSource<LdapResponse>? Completion, Channel<LdapResponse>? Messages);
}

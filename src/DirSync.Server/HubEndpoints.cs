using System.Security.Cryptography;
using System.Text.Json;
using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace DirSync.Server;

/// <summary>The hub's HTTP endpoints: nonces, posted messages, and the replies kept for requestors (the protocol is in docs/hub.md).</summary>
/// <remarks>
/// The only endpoints that change anything. Each request opens the store, reads what it needs and records what
/// happened in short transactions of its own (<see cref="HubGateway"/>): no write transaction is held while a body
/// is read from, or written to, the network.
/// </remarks>
internal sealed class HubEndpoints(ServeOptions options, NonceStore nonces)
{
    private const long MaxAcknowledgementBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost(HubHttp.ChallengePath, () => Results.Json(new { nonce = nonces.Issue(), expiresInSeconds = (int)HubHttp.NonceLifetime.TotalSeconds }));
        routes.MapPost(HubHttp.MessagesPath, PostMessageAsync);
        routes.MapGet(HubHttp.RepliesPath, ListRepliesAsync);
        routes.MapGet(HubHttp.RepliesPath + "/{name}", GetReplyAsync);
        routes.MapPost(HubHttp.RepliesPath + "/{name}/ack", AcknowledgeAsync);
    }

    private async Task PostMessageAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (context.Request.ContentLength > options.MaxMessageBytes)
        {
            await TooLargeAsync(context, context.Request.ContentLength.Value);
            return;
        }

        if (Signature(context) is not { } signature)
        {
            await UnsignedAsync(context);
            return;
        }

        var fresh = nonces.TryConsume(signature.Nonce);
        await using var store = await options.OpenStore(cancellationToken);
        var gateway = Gateway(store);
        try
        {
            var signer = await gateway.SignerAsync(signature, cancellationToken);
            using var file = await gateway.BeginMessageAsync(cancellationToken);
            string sha256;
            try
            {
                sha256 = await ReadBodyAsync(context, file.Stream, options.MaxMessageBytes, cancellationToken);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // The part received goes before the answer does: a requestor told 413 finds nothing of it left in the inbox.
                file.Dispose();
                await TooLargeAsync(context, null);
                return;
            }

            await gateway.VerifyAsync(signer, signature, HttpMethods.Post, HubHttp.MessagesPath, sha256, fresh, cancellationToken);
            var name = await gateway.AcceptMessageAsync(file, signer, cancellationToken);
            Log($"POST {HubHttp.MessagesPath} {signer.Name}: 202 accepted as {name}");
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            await context.Response.WriteAsJsonAsync(new { accepted = name }, Json, cancellationToken);
        }
        catch (MessageRefusedException e)
        {
            await RefusedAsync(context, signature.Requestor, e);
        }
    }

    private async Task ListRepliesAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        await using var store = await options.OpenStore(cancellationToken);
        var gateway = Gateway(store);
        try
        {
            var signer = await AuthenticateAsync(context, gateway, HttpMethods.Get, HubHttp.RepliesPath, RequestSignature.EmptyBodySha256);
            if (signer is null)
            {
                return;
            }

            var replies = gateway.PendingReplies(signer).Select(r => new { name = r.Name, length = r.Length }).ToList();
            Log($"GET {HubHttp.RepliesPath} {signer.Name}: {replies.Count} waiting");
            await context.Response.WriteAsJsonAsync(new { replies }, Json, cancellationToken);
        }
        catch (MessageRefusedException e)
        {
            await RefusedAsync(context, Signature(context)?.Requestor, e);
        }
    }

    private async Task GetReplyAsync(HttpContext context, string name)
    {
        var cancellationToken = context.RequestAborted;
        await using var store = await options.OpenStore(cancellationToken);
        var gateway = Gateway(store);
        try
        {
            var signer = await AuthenticateAsync(context, gateway, HttpMethods.Get, HubHttp.ReplyPath(name), RequestSignature.EmptyBodySha256);
            if (signer is null)
            {
                return;
            }

            await using var reply = gateway.OpenReply(signer, name);
            if (reply is null)
            {
                await ProblemAsync(context, StatusCodes.Status404NotFound, null, $"no reply '{name}' waits for {signer.Name}");
                return;
            }

            Log($"GET {HubHttp.ReplyPath(name)} {signer.Name}: {reply.Length} bytes");
            context.Response.ContentType = HubHttp.MessageMediaType;
            context.Response.ContentLength = reply.Length;
            await reply.CopyToAsync(context.Response.Body, cancellationToken);
        }
        catch (MessageRefusedException e)
        {
            await RefusedAsync(context, Signature(context)?.Requestor, e);
        }
    }

    private async Task AcknowledgeAsync(HttpContext context, string name)
    {
        var cancellationToken = context.RequestAborted;
        if (context.Request.ContentLength > MaxAcknowledgementBytes)
        {
            await TooLargeAsync(context, context.Request.ContentLength.Value);
            return;
        }

        using var body = new MemoryStream();
        string sha256;
        try
        {
            sha256 = await ReadBodyAsync(context, body, MaxAcknowledgementBytes, cancellationToken);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context, null);
            return;
        }

        await using var store = await options.OpenStore(cancellationToken);
        var gateway = Gateway(store);
        try
        {
            var signer = await AuthenticateAsync(context, gateway, HttpMethods.Post, HubHttp.AcknowledgePath(name), sha256);
            if (signer is null)
            {
                return;
            }

            Acknowledgement? acknowledgement;
            try
            {
                acknowledgement = JsonSerializer.Deserialize<Acknowledgement>(body.ToArray(), Json);
            }
            catch (JsonException)
            {
                acknowledgement = null;
            }

            if (acknowledgement is not { Outcome: "done" or "refused" })
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, null, "an acknowledgement is {\"outcome\": \"done\"} or {\"outcome\": \"refused\", \"reason\": \"...\"}");
                return;
            }

            var refusal = acknowledgement.Outcome == "refused" ? acknowledgement.Reason ?? "no reason given" : null;
            if (!await gateway.AcknowledgeAsync(signer, name, refusal, cancellationToken))
            {
                await ProblemAsync(context, StatusCodes.Status404NotFound, null, $"no reply '{name}' waits for {signer.Name}");
                return;
            }

            Log($"POST {HubHttp.AcknowledgePath(name)} {signer.Name}: {(refusal is null ? "taken in, removed" : "refused: " + refusal)}");
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (MessageRefusedException e)
        {
            await RefusedAsync(context, Signature(context)?.Requestor, e);
        }
    }

    /// <summary>The signer of a request whose signature holds and whose nonce is fresh; null (after answering) when it is unsigned.</summary>
    private async Task<RegisteredRequestor?> AuthenticateAsync(HttpContext context, HubGateway gateway, string method, string path, string bodySha256)
    {
        if (Signature(context) is not { } signature)
        {
            await UnsignedAsync(context);
            return null;
        }

        var fresh = nonces.TryConsume(signature.Nonce);
        var signer = await gateway.SignerAsync(signature, context.RequestAborted);
        await gateway.VerifyAsync(signer, signature, method, path, bodySha256, fresh, context.RequestAborted);
        return signer;
    }

    private HubGateway Gateway(IDirectoryStore store) => new(store, options.Time) { Problem = problem => Log("problem: " + problem) };

    private static RequestSignature? Signature(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith(HubHttp.Scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? RequestSignature.Parse(header[(HubHttp.Scheme.Length + 1)..])
            : null;
    }

    /// <summary>Copies the body into <paramref name="target"/>, at most <paramref name="limit"/> bytes, and returns its SHA-256.</summary>
    private static async Task<string> ReadBodyAsync(HttpContext context, Stream target, long limit, CancellationToken cancellationToken)
    {
        // Kestrel stops reading at the limit whatever the body claims, so a chunked body cannot grow past it either.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task RefusedAsync(HttpContext context, string? requestor, MessageRefusedException e)
    {
        var status = e.Code == EventCodes.InvalidFormat ? StatusCodes.Status400BadRequest : StatusCodes.Status403Forbidden;
        Log($"{context.Request.Method} {context.Request.Path} {requestor ?? "?"}: {status} refused — {e.Message}");
        await ProblemAsync(context, status, e.Code, e.Reason);
    }

    private async Task TooLargeAsync(HttpContext context, long? length)
    {
        var reason = length is { } n
            ? $"the body is {n} bytes, over the limit of {options.MaxMessageBytes} bytes; it was not read"
            : $"the body is over the limit of {options.MaxMessageBytes} bytes; it was not read further";
        Log($"{context.Request.Method} {context.Request.Path}: 413 {reason}");
        await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, null, reason);
    }

    private async Task UnsignedAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = HubHttp.Scheme;
        await ProblemAsync(context, StatusCodes.Status401Unauthorized, null, $"a hub request is signed: Authorization: {HubHttp.Scheme} requestor=\"NET/PO\", nonce=\"...\", mac=\"...\" (see docs/hub.md)");
    }

    private static async Task ProblemAsync(HttpContext context, int status, int? code, string error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new { code, error }, Json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private void Log(string line) => options.Log?.Invoke(line);

    private sealed record Acknowledgement(string? Outcome, string? Reason);
}

using System.Net;
using System.Text;
using System.Text.Json;
using DirSync.Core;
using DirSync.Core.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DirSync.Server;

/// <summary><c>dirsync serve</c>: one Kestrel server on one store, serving the status views and the hub's HTTP transport until stopped.</summary>
/// <remarks>
/// Everything it serves is read-only except the hub's endpoints. Each request opens the store and closes it again,
/// so the daemon and administrators' commands work on the same store meanwhile; SQLite lets readers read while
/// one writer writes, and a write waits a bounded time for another (503 when it waited in vain).
/// </remarks>
public sealed class WebServer
{
    private readonly ServeOptions _options;

    /// <summary>Creates the server.</summary>
    public WebServer(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Starts listening, calls <paramref name="started"/> with the addresses, and serves until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="DirSyncException">An address cannot be listened on (in use, not this machine's).</exception>
    public async Task RunAsync(Action<IReadOnlyList<string>> started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaxMessageBytes;
            foreach (var endpoint in _options.Listen)
            {
                kestrel.Listen(endpoint, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    if (_options.Certificate is { } certificate)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            }
        });

        await using var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (DirSyncException e) when (!context.Response.HasStarted)
            {
                var status = e.Category switch
                {
                    ErrorCategory.Busy => StatusCodes.Status503ServiceUnavailable,

                    // The hub's endpoints on a store that is not a dir-sync server, or a requestor whose replies go to a folder.
                    ErrorCategory.InvalidValue => StatusCodes.Status404NotFound,
                    _ => StatusCodes.Status500InternalServerError,
                };
                _options.Log?.Invoke($"{context.Request.Method} {context.Request.Path}: {status} {e.Message}");
                if (status == StatusCodes.Status503ServiceUnavailable)
                {
                    context.Response.Headers.RetryAfter = "5";
                }

                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(new { code = (int?)null, error = e.Message }, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
        });

        new HubEndpoints(_options, new NonceStore(_options.Time)).Map(app);
        app.MapGet("/", async context =>
        {
            var status = await ReadAsync(context.RequestAborted);
            context.Response.Headers.ContentSecurityPolicy = StatusPage.ContentSecurityPolicy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(StatusPage.Render(status, _options.RefreshSeconds), Encoding.UTF8, context.RequestAborted);
        });
        app.MapGet("/api/status", async context =>
        {
            var status = await ReadAsync(context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "application/json; charset=utf-8";
            await using (var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true }))
            {
                StatusJson.Write(json, status);
            }
        });
        app.MapGet("/metrics", async context =>
        {
            var status = await ReadAsync(context.RequestAborted);
            context.Response.ContentType = PrometheusText.ContentType;
            await context.Response.WriteAsync(PrometheusText.Write(status), Encoding.UTF8, context.RequestAborted);
        });

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new DirSyncException($"cannot listen on {string.Join(", ", _options.Listen)}: {e.Message}", ErrorCategory.InvalidValue, e);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        started(addresses);
        var stopped = new TaskCompletionSource();
        using (cancellationToken.Register(() => stopped.TrySetResult()))
        using (app.Lifetime.ApplicationStopping.Register(() => stopped.TrySetResult()))
        {
            await stopped.Task;
        }

        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>Parses a <c>--listen</c> value: <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>0.0.0.0:8080</c> or <c>localhost:8080</c>.</summary>
    /// <exception cref="InvalidValueException">It is none of these.</exception>
    public static IPEndPoint ParseListen(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + text["localhost".Length..] : text;
        return IPEndPoint.TryParse(value, out var endpoint) && value.Contains(':', StringComparison.Ordinal) && endpoint.Port is >= 0 and <= 65535 && !value.EndsWith(']')
            ? endpoint
            : throw new InvalidValueException($"invalid --listen '{text}': give an address and a port, such as 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080 (every address)");
    }

    private async Task<StoreStatus> ReadAsync(CancellationToken cancellationToken)
    {
        await using var store = await _options.OpenStore(cancellationToken);
        return await StatusReader.ReadAsync(store, _options.Time, cancellationToken: cancellationToken);
    }
}

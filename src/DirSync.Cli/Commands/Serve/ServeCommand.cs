using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DirSync.Core;
using DirSync.Core.Hub;
using DirSync.Server;

namespace DirSync.Cli.Commands.Serve;

/// <summary><c>dirsync serve</c>: the hub over HTTP and the status views, on one store, until stopped.</summary>
internal static class ServeCommand
{
    public const int DefaultRefreshSeconds = 10;

    public static Command Create(CliIo io)
    {
        var listen = new Option<string[]>("--listen")
        {
            Description = "Where to listen, address:port; may be repeated (default 127.0.0.1:8080, loopback only; 0.0.0.0:8080 for every address)",
            HelpName = "address:port",
            AllowMultipleArgumentsPerToken = false,
        };
        var certificate = new Option<string?>("--tls-certificate") { Description = "Serve HTTPS with this certificate and its private key (a PKCS#12 .pfx file)", HelpName = "file.pfx" };
        var certificatePassword = new Option<string?>("--tls-password-file") { Description = "The .pfx file's password, from the first line of this file", HelpName = "path" };
        var maxBytes = OptionValues.OptionalLong(
            "--max-message-bytes", 1024, MessageFile.DefaultMaxMessageBytes * 16, "bytes", "n",
            $"The largest message body accepted, 1024 to {MessageFile.DefaultMaxMessageBytes * 16}; a larger one is refused (413) before it is read whole (default {MessageFile.DefaultMaxMessageBytes})");
        var refresh = OptionValues.Whole("--refresh", 1, 3600, DefaultRefreshSeconds, "seconds", "seconds", $"Seconds between the status page's reloads, 1 to 3600 (default {DefaultRefreshSeconds})");
        var command = new Command("serve", "Serve the status page, /api/status, /metrics and the hub's HTTP transport for requestors until stopped (Ctrl+C or SIGTERM)")
        {
            listen, certificate, certificatePassword, maxBytes, refresh,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(certificatePassword) is not null && result.GetResult(certificate) is null)
            {
                result.AddError("--tls-password-file is the password of --tls-certificate; give the certificate too");
            }
        });
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var r = context.ParseResult;
            var endpoints = (r.GetValue(listen) is { Length: > 0 } given ? given : [$"{ServeOptions.DefaultListen.Address}:{ServeOptions.DefaultListen.Port}"])
                .Select(WebServer.ParseListen).ToList();
            using var tls = r.GetValue(certificate) is { } path ? LoadCertificate(context, path, r.GetValue(certificatePassword)) : null;

            // Fail now, not at the first request, when the store is missing or not a store.
            await using (var store = await context.OpenStoreAsync(cancellationToken))
            {
                _ = store.Info;
            }

            if (tls is null && endpoints.Any(e => !IPAddress.IsLoopback(e.Address)))
            {
                context.Io.Error.WriteLine(CommandRunner.ErrorLine(
                    "warning: serving plain HTTP beyond this machine: the status page and replies travel unencrypted (passwords never travel); use --tls-certificate or a TLS reverse proxy (docs/operations.md)"));
            }

            // serve reports as it runs: its lines go out at once, not when it stops.
            context.Io.CommitOutput();
            var output = context.Out;
            var gate = new object();
            void Line(string text)
            {
                lock (gate)
                {
                    output.WriteLine($"{DateTimeOffset.UtcNow.ToString("yyyy'-'MM'-'dd HH':'mm':'ss'Z'", CultureInfo.InvariantCulture)} {text}");
                    output.Flush();
                }
            }

            var server = new WebServer(new ServeOptions
            {
                OpenStore = async ct => await context.OpenStoreAsync(ct),
                Listen = endpoints,
                Certificate = tls,
                MaxMessageBytes = r.GetValue(maxBytes) ?? MessageFile.DefaultMaxMessageBytes,
                RefreshSeconds = r.GetValue(refresh),
                Log = Line,
            });
            await server.RunAsync(
                addresses =>
                {
                    lock (gate)
                    {
                        output.WriteLine($"dirsync serve on {context.StorePath}: listening on {string.Join(", ", addresses)}; stop with Ctrl+C or SIGTERM");
                        output.Flush();
                    }
                },
                cancellationToken);
            output.WriteLine("dirsync serve stopped");
        });
        return command;
    }

    private static X509Certificate2 LoadCertificate(CommandContext context, string file, string? passwordFile)
    {
        var path = Path.GetFullPath(file, context.Io.CurrentDirectory);
        string? password = null;
        if (passwordFile is not null)
        {
            try
            {
                var text = File.ReadAllText(Path.GetFullPath(passwordFile, context.Io.CurrentDirectory));
                var end = text.IndexOfAny(['\r', '\n']);
                password = end < 0 ? text : text[..end];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DirSyncException($"cannot read the password file '{passwordFile}': {(e is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : e.Message)}", ErrorCategory.FileSystem, e);
            }
        }

        if (!File.Exists(path))
        {
            throw new DirSyncException($"cannot read the certificate '{file}': it does not exist", ErrorCategory.FileSystem);
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new InvalidValueException($"the certificate '{file}' holds no private key; export it with its key as a .pfx file");
            }

            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new InvalidValueException($"cannot load the certificate '{file}': {e.Message} (a PKCS#12 .pfx file and its password, with --tls-password-file)");
        }
    }
}

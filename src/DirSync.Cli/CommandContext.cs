using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DirSync.Core;
using DirSync.Core.Storage;

namespace DirSync.Cli;

/// <summary>What one command invocation works with: its parse result, output and store.</summary>
internal sealed class CommandContext
{
    public const string StoreVariable = "DIRSYNC_STORE";
    public const string LockTimeoutVariable = "DIRSYNC_LOCK_TIMEOUT";
    public const string DefaultStoreFile = "dirsync.db";
    public const string PasswordFileVariable = "DIRSYNC_STORE_PASSWORD_FILE";

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private StoreLocation? _store;

    public CommandContext(CliIo io, ParseResult parseResult)
    {
        Io = io;
        ParseResult = parseResult;
    }

    public CliIo Io { get; }

    public ParseResult ParseResult { get; }

    public TextWriter Out => Io.Out;

    /// <summary>The store as messages and reports name it: the file's path, or the URI without its password.</summary>
    public string StorePath => Store.Display;

    /// <summary>The store: --store, else DIRSYNC_STORE, else dirsync.db in the current folder; a postgresql:// URI is a PostgreSQL store.</summary>
    public StoreLocation Store => _store ??= LocateStore(ParseResult.GetValue(GlobalOptions.Store));

    /// <summary>How long a write waits for another process's transaction: DIRSYNC_LOCK_TIMEOUT seconds, else 10.</summary>
    public TimeSpan LockTimeout
    {
        get
        {
            var text = Io.Environment(LockTimeoutVariable);
            if (string.IsNullOrWhiteSpace(text))
            {
                return TimeSpan.FromSeconds(10);
            }

            // Digits with at most one '.', nothing else: no sign, exponent, NaN, infinity or thousands separator.
            var plain = text.Length <= 20 && text.Count(c => c == '.') <= 1 && text[0] != '.' && text[^1] != '.' && text.All(c => char.IsAsciiDigit(c) || c == '.');
            if (!plain || !double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 86400)
            {
                throw new InvalidValueException($"{LockTimeoutVariable}='{text}' is not a number of seconds from 0 to 86400, written as digits with an optional '.' (such as 30 or 0.5)");
            }

            return TimeSpan.FromSeconds(seconds);
        }
    }

    /// <summary>The clock commands stamp new things with.</summary>
    public TimeProvider TimeProvider => TimeProvider.System;

    public Task<IDirectoryStore> OpenStoreAsync(CancellationToken cancellationToken) =>
        Store.OpenAsync(LockTimeout, cancellationToken);

    /// <summary>Reads a store as given on the command line (<c>--store</c>, <c>--to</c>): URI or path, with the store password file if one is named.</summary>
    public StoreLocation LocateStore(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            text = Io.Environment(StoreVariable);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            text = DefaultStoreFile;
        }

        var passwordFile = ParseResult.GetValue(GlobalOptions.StorePasswordFile);
        if (string.IsNullOrWhiteSpace(passwordFile))
        {
            passwordFile = Io.Environment(PasswordFileVariable);
        }

        return StoreLocation.Parse(text, Io.CurrentDirectory, string.IsNullOrWhiteSpace(passwordFile) ? null : passwordFile);
    }

    /// <summary>A JSON writer on standard output, for documents written piece by piece (streamed lists).</summary>
    public Utf8JsonWriter CreateJsonWriter()
    {
        Io.Out.Flush();
        return new Utf8JsonWriter(Io.StdOut, JsonOptions);
    }

    /// <summary>Writes one JSON document to standard output.</summary>
    public void WriteJson(Action<Utf8JsonWriter> write)
    {
        using (var json = CreateJsonWriter())
        {
            write(json);
        }

        Io.StdOut.Write("\n"u8);
        Io.StdOut.Flush();
    }
}

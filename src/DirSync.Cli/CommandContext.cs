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

    private static readonly JsonWriterOptions JsonLineOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public CommandContext(CliIo io, ParseResult parseResult)
    {
        Io = io;
        ParseResult = parseResult;
    }

    public CliIo Io { get; }

    public ParseResult ParseResult { get; }

    public TextWriter Out => Io.Out;

    /// <summary>True when <c>--json</c> was given: results as JSON on standard output, an error as JSON on standard error.</summary>
    public bool Json => ParseResult.GetValue(GlobalOptions.Json);

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

    /// <summary>Runs long work with a progress line on standard error when it is a terminal, cleared when the work ends however it ends.</summary>
    /// <param name="verb">What the work is doing, such as <c>Importing</c>.</param>
    /// <param name="noun">What it counts, such as <c>records</c>.</param>
    /// <param name="run">The work, given the progress line, or null when standard error is no terminal.</param>
    public async Task<T> WithProgressAsync<T>(string verb, string noun, Func<Output.ProgressLine?, Task<T>> run)
    {
        var progress = Io.ErrorIsTerminal ? new Output.ProgressLine(Io.Error, verb, noun) : null;
        try
        {
            return await run(progress);
        }
        finally
        {
            progress?.Clear();
        }
    }

    /// <summary>Reports what a command did: one line of text, or with <c>--json</c> one JSON object of the properties <paramref name="properties"/> writes.</summary>
    public void Report(string text, Action<Utf8JsonWriter> properties)
    {
        if (!Json)
        {
            Out.WriteLine(text);
            return;
        }

        WriteJson(w =>
        {
            w.WriteStartObject();
            properties(w);
            w.WriteEndObject();
        });
    }

    /// <summary>Writes one JSON object on one line of standard output (JSON Lines), for a command that reports as it goes.</summary>
    public void WriteJsonLine(Action<Utf8JsonWriter> properties)
    {
        Io.Out.Flush();
        using (var json = new Utf8JsonWriter(Io.StdOut, JsonLineOptions))
        {
            json.WriteStartObject();
            properties(json);
            json.WriteEndObject();
        }

        Io.StdOut.Write("\n"u8);
        Io.StdOut.Flush();
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

using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DirSync.Core;
using DirSync.Sqlite;

namespace DirSync.Cli;

/// <summary>What one command invocation works with: its parse result, output and store.</summary>
internal sealed class CommandContext
{
    public const string StoreVariable = "DIRSYNC_STORE";
    public const string LockTimeoutVariable = "DIRSYNC_LOCK_TIMEOUT";
    public const string DefaultStoreFile = "dirsync.db";

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

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

    /// <summary>The store path: --store, else DIRSYNC_STORE, else dirsync.db in the current folder.</summary>
    public string StorePath
    {
        get
        {
            var path = ParseResult.GetValue(GlobalOptions.Store);
            if (string.IsNullOrWhiteSpace(path))
            {
                path = Io.Environment(StoreVariable);
            }

            if (string.IsNullOrWhiteSpace(path))
            {
                path = DefaultStoreFile;
            }

            var full = Path.IsPathRooted(path) ? path : Path.Combine(Io.CurrentDirectory, path);

            // No file system takes a name this long, and .NET would say so with an exception, not a message.
            if (Path.GetFileName(full).Length > MaxFileNameLength)
            {
                throw new StoreException(full, $"the store path's file name is {Path.GetFileName(full).Length} characters long; a file system takes at most {MaxFileNameLength}");
            }

            return full;
        }
    }

    private const int MaxFileNameLength = 255;

    public SqliteStoreOptions StoreOptions
    {
        get
        {
            var text = Io.Environment(LockTimeoutVariable);
            if (string.IsNullOrWhiteSpace(text))
            {
                return SqliteStoreOptions.Default;
            }

            // Digits with at most one '.', nothing else: no sign, exponent, NaN, infinity or thousands separator.
            var plain = text.Length <= 20 && text.Count(c => c == '.') <= 1 && text[0] != '.' && text[^1] != '.' && text.All(c => char.IsAsciiDigit(c) || c == '.');
            if (!plain || !double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 86400)
            {
                throw new InvalidValueException($"{LockTimeoutVariable}='{text}' is not a number of seconds from 0 to 86400, written as digits with an optional '.' (such as 30 or 0.5)");
            }

            return SqliteStoreOptions.Default with { LockTimeout = TimeSpan.FromSeconds(seconds) };
        }
    }

    public Task<SqliteDirectoryStore> OpenStoreAsync(CancellationToken cancellationToken) =>
        SqliteDirectoryStore.OpenAsync(StorePath, StoreOptions, cancellationToken);

    /// <summary>A JSON writer on standard output, for documents written piece by piece (streamed lists).</summary>
    public Utf8JsonWriter CreateJsonWriter()
    {
        Io.Out.Flush();
        return new Utf8JsonWriter(Io.StdOut, JsonOptions);
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

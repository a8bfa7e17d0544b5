using System.Text;
using DirSync.Core;
using Npgsql;

namespace DirSync.Postgres;

/// <summary>Where a PostgreSQL store lives: a <c>postgresql://</c> URI (libpq's form) read into Npgsql's settings.</summary>
/// <remarks>
/// <para>The URI is <c>postgresql://[user[:password]@][host][:port][/database][?parameter=value&amp;...]</c>,
/// <c>postgres://</c> being the same. A host that starts with <c>/</c> (given as <c>?host=/run/postgresql</c> or
/// percent-encoded) is the folder of the server's Unix socket. Without a host the Debian socket folder is used
/// when it exists, else <c>localhost</c>.</para>
/// <para>A password may come from the URI, from <see cref="WithPassword"/> (a password file the administrator
/// names), or, when neither gives one, from the <c>passfile</c> parameter, <c>PGPASSFILE</c> or
/// <c>~/.pgpass</c>, as for every PostgreSQL client. <see cref="Display"/> never shows it.</para>
/// </remarks>
public sealed class PostgresStoreAddress
{
    /// <summary>The URI parameters understood, as libpq names them.</summary>
    public static IReadOnlyList<string> Parameters { get; } =
        ["host", "port", "dbname", "user", "password", "passfile", "sslmode", "application_name", "connect_timeout"];

    private const string DebianSocketFolder = "/var/run/postgresql";

    private PostgresStoreAddress(NpgsqlConnectionStringBuilder settings, string display)
    {
        Settings = settings;
        Display = display;
    }

    /// <summary>Npgsql's settings for the store's connections.</summary>
    public NpgsqlConnectionStringBuilder Settings { get; }

    /// <summary>The URI as errors and reports show it: the password left out.</summary>
    public string Display { get; }

    /// <summary>The database the store lives in.</summary>
    public string Database => Settings.Database ?? "";

    /// <summary>True when <paramref name="text"/> names a PostgreSQL store rather than a SQLite file.</summary>
    public static bool IsUri(string? text) =>
        text is not null
        && (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a <c>postgresql://</c> URI.</summary>
    /// <exception cref="InvalidValueException">It is not a well-formed URI of that kind, or names an unknown parameter.</exception>
    public static PostgresStoreAddress Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsUri(uri))
        {
            throw new InvalidValueException($"'{Redact(uri)}' is not a postgresql:// URI");
        }

        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var scheme = uri[..uri.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant();
        string? query = null;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        string? path = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            path = rest[(slash + 1)..];
            rest = rest[..slash];
        }

        string? user = null, password = null, hostPort = rest;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            hostPort = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, uri);
            password = colon >= 0 ? Decode(userInfo[(colon + 1)..], uri) : null;
        }

        var (host, port) = SplitHostPort(hostPort, uri);
        var settings = new NpgsqlConnectionStringBuilder();
        if (user is { Length: > 0 })
        {
            settings.Username = user;
        }

        if (password is not null)
        {
            settings.Password = password;
        }

        if (host is { Length: > 0 })
        {
            settings.Host = host;
        }

        if (port is { } p)
        {
            settings.Port = p;
        }

        if (path is { Length: > 0 })
        {
            settings.Database = Decode(path, uri);
        }

        var shownQuery = new List<string>();
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq >= 0 ? pair[..eq] : pair, uri);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..], uri) : "";
            Apply(settings, name, value, uri);
            if (name != "password")
            {
                shownQuery.Add(pair);
            }
        }

        if (string.IsNullOrEmpty(settings.Host))
        {
            settings.Host = Environment.GetEnvironmentVariable("PGHOST") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : Directory.Exists(DebianSocketFolder) ? DebianSocketFolder : "localhost";
        }

        if (string.IsNullOrEmpty(settings.Username))
        {
            settings.Username = Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } envUser ? envUser : Environment.UserName;
        }

        if (string.IsNullOrEmpty(settings.Database))
        {
            settings.Database = settings.Username;
        }

        var display = new StringBuilder(scheme).Append("://");
        if (user is not null)
        {
            display.Append(rest[..rest.LastIndexOf('@')].Split(':')[0]).Append('@');
        }

        display.Append(hostPort);
        if (path is not null)
        {
            display.Append('/').Append(path);
        }

        if (shownQuery.Count > 0)
        {
            display.Append('?').AppendJoin('&', shownQuery);
        }

        return new PostgresStoreAddress(settings, display.ToString());
    }

    /// <summary>The same store with <paramref name="password"/> (read from a password file) in place of any other.</summary>
    public PostgresStoreAddress WithPassword(string password)
    {
        var settings = new NpgsqlConnectionStringBuilder(Settings.ConnectionString) { Password = password };
        return new PostgresStoreAddress(settings, Display);
    }

    /// <summary>The same server with another database: what the tests and <c>store copy</c> use to name a sibling database.</summary>
    public PostgresStoreAddress WithDatabase(string database)
    {
        var settings = new NpgsqlConnectionStringBuilder(Settings.ConnectionString) { Database = database };
        return new PostgresStoreAddress(settings, $"{Display} (database {database})");
    }

    /// <summary>Text that may hold a URI with a password, with the password left out: for messages about text that did not parse.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return text;
        }

        var start = scheme + 3;
        var end = text.IndexOfAny(['/', '?'], start);
        var authority = end < 0 ? text[start..] : text[start..end];
        var at = authority.LastIndexOf('@');
        var colon = at < 0 ? -1 : authority.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && colon < at)
        {
            authority = authority[..colon] + authority[at..];
        }

        var tail = end < 0 ? "" : text[end..];
        var queryStart = tail.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            var kept = tail[(queryStart + 1)..].Split('&').Where(p => !p.StartsWith("password=", StringComparison.OrdinalIgnoreCase));
            tail = tail[..queryStart] + (kept.Any() ? "?" + string.Join('&', kept) : "");
        }

        return text[..start] + authority + tail;
    }

    /// <inheritdoc/>
    public override string ToString() => Display;

    private static void Apply(NpgsqlConnectionStringBuilder settings, string name, string value, string uri)
    {
        switch (name)
        {
            case "host":
                settings.Host = value;
                break;
            case "port":
                settings.Port = ParsePort(value, uri);
                break;
            case "dbname":
                settings.Database = value;
                break;
            case "user":
                settings.Username = value;
                break;
            case "password":
                settings.Password = value;
                break;
            case "passfile":
                settings.Passfile = value;
                break;
            case "sslmode":
                settings.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new InvalidValueException(
                        $"sslmode={value} in '{Redact(uri)}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                };
                break;
            case "application_name":
                settings.ApplicationName = value;
                break;
            case "connect_timeout":
                settings.Timeout = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 1024
                    ? seconds
                    : throw new InvalidValueException($"connect_timeout={value} in '{Redact(uri)}' is not a number of seconds from 1 to 1024");
                break;
            default:
                throw new InvalidValueException(
                    $"'{name}' in '{Redact(uri)}' is not a parameter dirsync understands; use {string.Join(", ", Parameters)}");
        }
    }

    private static (string? Host, int? Port) SplitHostPort(string hostPort, string uri)
    {
        if (hostPort.Length == 0)
        {
            return (null, null);
        }

        if (hostPort.Contains(',', StringComparison.Ordinal))
        {
            throw new InvalidValueException($"'{Redact(uri)}' names several hosts; a store lives on one server: name its primary");
        }

        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new InvalidValueException($"'{Redact(uri)}' has an IPv6 host without its closing ']'");
            }

            var host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            return (host, after.StartsWith(':') ? ParsePort(after[1..], uri) : null);
        }

        var colon = hostPort.LastIndexOf(':');
        return colon >= 0
            ? (Decode(hostPort[..colon], uri), ParsePort(hostPort[(colon + 1)..], uri))
            : (Decode(hostPort, uri), null);
    }

    private static int ParsePort(string text, string uri) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidValueException($"the port '{text}' in '{Redact(uri)}' is not a number from 1 to 65535");

    private static string Decode(string text, string uri)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw new InvalidValueException($"'{Redact(uri)}' has a badly percent-encoded part");
        }
    }
}

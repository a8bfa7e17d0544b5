using Npgsql;

namespace DirSync.Postgres;

/// <summary>Database errors in one line, for the messages a user reads.</summary>
public static class PostgresStoreErrors
{
    /// <summary>What went wrong: the server's own words, or the innermost cause of a broken connection, without a stack.</summary>
    public static string Reason(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is PostgresException server)
            {
                return server.MessageText.TrimEnd('.');
            }
        }

        if (error.Message.Contains("No password has been provided", StringComparison.Ordinal))
        {
            return "the server wants a password and none was given; put it in ~/.pgpass (or the file PGPASSFILE names) or name a file holding it with --store-password-file";
        }

        var innermost = error;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var reason = innermost == error || error is not NpgsqlException ? error.Message : $"{error.Message.TrimEnd('.')}: {innermost.Message}";
        return reason.TrimEnd('.');
    }
}

using System.CommandLine;
using System.Data.Common;
using DirSync.Core;
using DirSync.Sqlite;

namespace DirSync.Cli;

/// <summary>Runs a command body and turns what it throws into one clear line and a documented exit code.</summary>
internal static class CommandRunner
{
    public static void SetAction(this Command command, CliIo io, Func<CommandContext, CancellationToken, Task> body) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(io, parseResult, body, cancellationToken));

    /// <summary>The one line an error prints: <c>dirsync: </c> and the message, with control characters shown escaped.</summary>
    /// <remarks>Messages quote what the user typed, and a quoted line break must not split the error over lines.</remarks>
    public static string ErrorLine(string message) => "dirsync: " + Output.TerminalText.Escape(Output.TerminalText.CutValues(message));

    private static string? TryDescribeStore(CommandContext context, DbException error)
    {
        try
        {
            return context.Store.Describe(error);
        }
        catch (DirSyncException)
        {
            return null;
        }
    }

    private static async Task<int> RunAsync(CliIo io, ParseResult parseResult, Func<CommandContext, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var context = new CommandContext(io, parseResult);
        try
        {
            await body(context, cancellationToken);
            io.CommitOutput();
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            io.DiscardOutput();
            io.Error.WriteLine(StopSignals.Line(StopSignals.Signal));
            return StopSignals.ExitCode(StopSignals.Signal);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed command prints nothing on standard output (a receive's report it printed on purpose excepted).
            io.DiscardOutput();
            if ((e as DirSyncException ?? StoreErrors.Translate(e, () => context.StorePath)) is { } error)
            {
                io.Error.WriteLine(ErrorLine(ErrorNotes.Describe(error, e)));
                return ExitCodes.For(error.Category);
            }

            if (e is DbException db && TryDescribeStore(context, db) is { } line)
            {
                // A database error no layer above the store could handle: a dropped connection, a failing server.
                io.Error.WriteLine(ErrorLine(line));
                return ExitCodes.Store;
            }

            var detail = io.Environment("DIRSYNC_DEBUG") is "1" ? e.ToString() : $"{e.GetType().Name}: {e.Message}";
            io.Error.WriteLine($"dirsync: internal error ({detail}); this is a bug — please report it with the command you ran");
            return ExitCodes.InternalError;
        }
        finally
        {
            io.Out.Flush();
        }
    }
}

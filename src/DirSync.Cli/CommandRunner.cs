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

    // .NET answers a path longer than the file system takes with an exception of its own: the path is the user's, not a bug.
    private static DirSyncException? TooLong(Exception e) =>
        e is PathTooLongException ? new DirSyncException("a path you gave is longer than the file system allows; give a shorter one", ErrorCategory.FileSystem, e) : null;

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
            var stopped = StopSignals.ExitCode(StopSignals.Signal);
            ErrorOutput.Write(io, context.Json, stopped, StopSignals.Line(StopSignals.Signal)["dirsync: ".Length..]);
            return stopped;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed command prints nothing on standard output (a receive's report it printed on purpose excepted).
            io.DiscardOutput();
            if ((e as DirSyncException ?? StoreErrors.Translate(e, () => context.StorePath) ?? TooLong(e)) is { } error)
            {
                var code = ExitCodes.For(error.Category);
                ErrorOutput.Write(io, context.Json, code, ErrorNotes.Describe(error, e));
                return code;
            }

            if (e is DbException db && TryDescribeStore(context, db) is { } line)
            {
                // A database error no layer above the store could handle: a dropped connection, a failing server.
                io.Error.WriteLine(ErrorLine(line));
                return ExitCodes.Store;
            }

            var detail = io.Environment("DIRSYNC_DEBUG") is "1" ? e.ToString() : $"{e.GetType().Name}: {e.Message}";
            ErrorOutput.Write(io, context.Json, ExitCodes.InternalError, $"internal error ({detail}); this is a bug — please report it with the command you ran");
            return ExitCodes.InternalError;
        }
        finally
        {
            io.Out.Flush();
        }
    }
}

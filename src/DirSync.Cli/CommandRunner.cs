using System.CommandLine;
using DirSync.Core;

namespace DirSync.Cli;

/// <summary>Runs a command body and turns what it throws into one clear line and a documented exit code.</summary>
internal static class CommandRunner
{
    public static void SetAction(this Command command, CliIo io, Func<CommandContext, CancellationToken, Task> body) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(io, parseResult, body, cancellationToken));

    /// <summary>The one line an error prints: <c>dirsync: </c> and the message, with control characters shown escaped.</summary>
    /// <remarks>Messages quote what the user typed, and a quoted line break must not split the error over lines.</remarks>
    public static string ErrorLine(string message)
    {
        var builder = new System.Text.StringBuilder("dirsync: ", message.Length + 9);
        foreach (var c in message)
        {
            switch (c)
            {
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case var other when char.IsControl(other):
                    builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)other:x4}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    private static async Task<int> RunAsync(CliIo io, ParseResult parseResult, Func<CommandContext, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var context = new CommandContext(io, parseResult);
        try
        {
            await body(context, cancellationToken);
            return ExitCodes.Success;
        }
        catch (DirSyncException e)
        {
            io.Out.Flush();
            var code = ExitCodes.For(e.Category);
            ErrorOutput.Write(io, context.Json, code, e.Message);
            return code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            io.Out.Flush();
            ErrorOutput.Write(io, context.Json, ExitCodes.Cancelled, "cancelled; nothing of the interrupted step was applied");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            io.Out.Flush();
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

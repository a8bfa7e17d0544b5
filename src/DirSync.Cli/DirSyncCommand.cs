using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using DirSync.Cli.Commands.AddressTemplates;
using DirSync.Cli.Commands.Bulk;
using DirSync.Cli.Commands.Containers;
using DirSync.Cli.Commands.Hub;
using DirSync.Cli.Commands.Init;
using DirSync.Cli.Commands.Instances;
using DirSync.Cli.Commands.Recipients;
using DirSync.Cli.Commands.Run;
using DirSync.Cli.Commands.Schema;
using DirSync.Cli.Commands.Scheduling;
using DirSync.Cli.Commands.Serve;
using DirSync.Cli.Commands.Status;
using DirSync.Cli.Commands.Store;
using DirSync.Cli.Commands.Tombstones;
using DirSync.Core;
using DirSync.Core.Model;

namespace DirSync.Cli;

/// <summary>The dirsync command line: builds the command tree and runs one invocation.</summary>
internal static class DirSyncCommand
{
    /// <summary>Runs the real process: Ctrl+C and SIGTERM stop the command (see <see cref="StopSignals"/>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var io = CliIo.FromConsole();
        using var signals = new StopSignals(io.Error);
        try
        {
            return await RunAsync(args, io, signals.Token);
        }
        finally
        {
            signals.Finished();
        }
    }

    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        var root = Build(io);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpAction)
        {
            // A script that asked for JSON gets its usage error as JSON too, wherever --json stood.
            ErrorOutput.Write(io, parseResult.GetValue(GlobalOptions.Json), ExitCodes.Usage, Describe(parseResult));
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,

            // Signals are StopSignals' (the real process) or the caller's token (tests): one owner, one line, one code.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        finally
        {
            // Help and version text, and a command's output that was not dropped, go out now.
            io.CommitOutput();
        }
    }

    public static RootCommand Build(CliIo io)
    {
        var root = new RootCommand("DirSync keeps the address books of mail systems and directories in sync.")
        {
            GlobalOptions.Store,
            GlobalOptions.Json,
            GlobalOptions.StorePasswordFile,
            InitCommand.Create(io),
            InfoCommand.Create(io),
            RecipientVerbCommands.Create(io, ObjectClass.Mailbox),
            RecipientVerbCommands.Create(io, ObjectClass.CustomRecipient),
            RecipientVerbCommands.Create(io, ObjectClass.DistributionList),
            RecipientsCommand.Create(io),
            BulkCommand.Create(io),
            AddressTemplateCommand.Create(io),
            ContainerCommand.Create(io),
            TombstonesCommand.Create(io),
            InstanceCommand.Create(io),
            RunCommand.Create(io),
            ServerCommand.Create(io),
            RequestorCommand.Create(io),
            EventsCommand.Create(io),
            ScheduleCommand.Create(io), KickCommand.Create(io), DaemonCommand.Create(io),
            AttributesCommand.Create(io),
            Commands.Gal.GalCommand.Create(io),
            StatusCommand.Create(io),
            ServeCommand.Create(io),
            StoreCommand.Create(io),
        };
        return root;
    }

    /// <summary>One line for the first parse error, with a close match for a mistyped word and where to find help.</summary>
    private static string Describe(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var path = string.Join(' ', CommandPath(parseResult.CommandResult));
        var help = $"see '{path} --help'";
        if (parseResult.UnmatchedTokens.Count > 0)
        {
            var token = parseResult.UnmatchedTokens[0];
            var candidates = token.StartsWith('-')
                ? command.Options.Concat(GlobalOptionsOf(parseResult)).SelectMany(o => o.Aliases.Append(o.Name))
                : command.Subcommands.SelectMany(c => c.Aliases.Append(c.Name));
            var hint = NameSuggestions.Hint(token, candidates);
            var what = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            return $"unknown {what} '{token}' for '{path}'{(hint is null ? "" : "; " + hint)} ({help})";
        }

        var message = OneLine(Plain(parseResult.Errors[0])).TrimEnd('.');
        if (message.Length > 0)
        {
            message = char.ToLowerInvariant(message[0]) + message[1..];
        }

        return $"{message} ({help})";
    }

    // The parser's own conversion message names a .NET type ("expected type 'System.Int32'"); options with a kind
    // of value read it themselves (OptionValues), and this says the same in words for any that does not.
    private static string Plain(ParseError error)
    {
        if (!error.Message.Contains("expected type '", StringComparison.Ordinal))
        {
            return error.Message;
        }

        var name = error.SymbolResult switch
        {
            OptionResult option => option.Option.Name,
            ArgumentResult { Parent: OptionResult option } => option.Option.Name,
            ArgumentResult argument => $"<{argument.Argument.Name}>",
            _ => "the value",
        };
        var token = error.SymbolResult is { Tokens.Count: > 0 } result ? result.Tokens[^1].Value : "";
        return $"{name} does not take {OptionValues.Echo(token)}";
    }

    // Some parser messages list choices on lines of their own; an error is one line on stderr.
    private static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.Length <= 1 ? message.Trim() : lines[0] + " " + string.Join(", ", lines[1..]);
    }

    private static IEnumerable<Option> GlobalOptionsOf(ParseResult parseResult) =>
        parseResult.RootCommandResult.Command.Options.Where(o => o.Recursive);

    private static IEnumerable<string> CommandPath(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult commandResult)
            {
                names.Push(commandResult.Parent is null ? "dirsync" : commandResult.Command.Name);
            }
        }

        return names;
    }
}

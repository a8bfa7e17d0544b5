using System.CommandLine;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;

namespace DirSync.Cli.Commands.Recipients;

/// <summary><c>dirsync mailbox|custom-recipient|dl add|set|remove</c>.</summary>
internal static class RecipientVerbCommands
{
    public static Command Create(CliIo io, ObjectClass objectClass)
    {
        var (name, noun) = objectClass switch
        {
            ObjectClass.Mailbox => ("mailbox", "mailbox"),
            ObjectClass.CustomRecipient => ("custom-recipient", "custom recipient (a contact whose mail goes elsewhere)"),
            _ => ("dl", "distribution list"),
        };
        return new Command(name, $"Add, change or remove a {noun}")
        {
            Add(io, objectClass),
            Set(io, objectClass),
            Remove(io, objectClass),
        };
    }

    private static Command Add(CliIo io, ObjectClass objectClass)
    {
        var alias = new Argument<string>("alias") { Description = "The alias (Common-Name), unique in the store" };
        var options = new ChangeOptions(objectClass, isSet: false);
        var command = new Command("add", $"Create a {objectClass.ToToken()}") { alias };
        options.AddTo(command);
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var changes = options.Read(context.ParseResult);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var created = await new DirectoryAdmin(store).AddRecipientAsync(objectClass, context.ParseResult.GetRequiredValue(alias), changes, cancellationToken);
            Report(context, created, "Created");
        });
        return command;
    }

    private static Command Set(CliIo io, ObjectClass objectClass)
    {
        var alias = new Argument<string>("alias") { Description = "The alias of the recipient to change" };
        var options = new ChangeOptions(objectClass, isSet: true);
        var command = new Command("set", $"Change a {objectClass.ToToken()}") { alias };
        options.AddTo(command);
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var changes = options.Read(context.ParseResult);
            if (changes.IsEmpty)
            {
                throw new DirSyncException("nothing to change; give at least one option (see --help)", ErrorCategory.Usage);
            }

            await using var store = await context.OpenStoreAsync(cancellationToken);
            var result = await new DirectoryAdmin(store).SetRecipientAsync(objectClass, context.ParseResult.GetRequiredValue(alias), changes, cancellationToken);
            Report(context, result.Value, result.Changed ? "Changed" : "Unchanged");
        });
        return command;
    }

    private static Command Remove(CliIo io, ObjectClass objectClass)
    {
        var alias = new Argument<string>("alias") { Description = "The alias of the recipient to remove" };
        var command = new Command("remove", $"Delete a {objectClass.ToToken()}, leaving a tombstone for incremental exports") { alias };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var tombstone = await new DirectoryAdmin(store).RemoveRecipientAsync(objectClass, context.ParseResult.GetRequiredValue(alias), cancellationToken);
            Report(context, tombstone, "Removed");
        });
        return command;
    }

    private static void Report(CommandContext context, DirectoryObject value, string verb)
    {
        if (context.Json)
        {
            context.WriteJson(w => RecipientJson.Write(w, value));
            return;
        }

        var addresses = value.IsDeleted ? "" : ": " + string.Join(", ", value.ProxyAddresses);
        context.Out.WriteLine($"{verb} {value.Class.ToToken()} {value.Alias} ({value.DisplayName}) USN {value.UsnChanged}{addresses}");
    }
}

using System.CommandLine;
using DirSync.Cli.Output;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Recipients;

/// <summary><c>dirsync recipients list|show</c>.</summary>
internal static class RecipientsCommand
{
    public static Command Create(CliIo io) =>
        new("recipients", "List and show recipients of every class") { List(io), Show(io) };

    private static Command List(CliIo io)
    {
        var container = new Option<string?>("--container") { Description = "Only this container", HelpName = "path" };
        var subcontainers = new Option<bool>("--subcontainers") { Description = "With --container, also the containers below it" };
        var objectClass = new Option<string?>("--class") { Description = "Only this class", HelpName = "class" };
        objectClass.AcceptOnlyFromAmong("mailbox", "custom-recipient", "dl", "distribution-list", "remote");
        var command = new Command("list", "List live recipients, ordered by alias") { container, subcontainers, objectClass };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var filter = new RecipientFilter(
                context.ParseResult.GetValue(container) is { } path ? DirectoryPath.Parse(path) : null,
                context.ParseResult.GetValue(subcontainers),
                context.ParseResult.GetValue(objectClass) is { } cls ? ObjectClassNames.Parse(cls) : null);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            if (filter.Container is { } wanted && !await store.ContainerExistsAsync(wanted, cancellationToken))
            {
                throw new DirSync.Core.NotFoundException("container", wanted.Value, $"see '{DirSync.Core.CommandHints.ContainerList()}'");
            }

            var recipients = store.ListAsync(filter, cancellationToken);
            if (context.Json)
            {
                await using var writer = context.CreateJsonWriter();
                writer.WriteStartArray();
                await foreach (var value in recipients)
                {
                    RecipientJson.Write(writer, value);
                    if (writer.BytesPending > 64 * 1024)
                    {
                        await writer.FlushAsync(cancellationToken);
                    }
                }

                writer.WriteEndArray();
                await writer.FlushAsync(cancellationToken);
                context.Io.StdOut.Write("\n"u8);
                return;
            }

            var table = new TableWriter(context.Out, "ALIAS", "DISPLAY NAME", "CLASS", "CONTAINER", "ADDRESS", "SOURCE");
            await foreach (var value in recipients)
            {
                table.Row(value.Alias, value.DisplayName, value.Class.ToToken(), value.Container.Value, RecipientText.MainAddress(value), value.Origin?.ImportedFrom ?? "local");
            }

            table.Finish();
            context.Out.WriteLine($"{table.RowCount} recipient{(table.RowCount == 1 ? "" : "s")}");
        });
        return command;
    }

    private static Command Show(CliIo io)
    {
        var alias = new Argument<string>("alias") { Description = "The alias of the recipient" };
        var command = new Command("show", "Show every value of one recipient") { alias };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var value = await new DirectoryAdmin(store).GetRecipientAsync(context.ParseResult.GetRequiredValue(alias), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w => RecipientJson.Write(w, value));
                return;
            }

            RecipientText.WriteDetail(context.Out, value);
        });
        return command;
    }
}

using System.CommandLine;
using DirSync.Core.Admin;

namespace DirSync.Cli.Commands.AddressTemplates;

/// <summary><c>dirsync address-template list|set</c>.</summary>
internal static class AddressTemplateCommand
{
    public static Command Create(CliIo io) =>
        new("address-template", "Show and set the site's address templates (one per address type)") { List(io), Set(io) };

    private static Command List(CliIo io)
    {
        var command = new Command("list", "List the address templates");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var templates = await store.GetAddressTemplatesAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var template in templates)
                    {
                        w.WriteStartObject();
                        w.WriteString("addressType", template.AddressType);
                        w.WriteString("template", template.Template);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return;
            }

            var table = new Output.TableWriter(context.Out, "TYPE", "TEMPLATE");
            foreach (var template in templates)
            {
                table.Row(template.AddressType, template.Template);
            }

            table.Finish();
        });
        return command;
    }

    private static Command Set(CliIo io)
    {
        var type = new Argument<string>("type") { Description = "The address type, such as SMTP or EDK" };
        var template = new Argument<string>("template")
        {
            Description = "The template, such as %g.%s@example.com; tokens %g %s %d %m %i %% %rXY, with an optional length digit (%1g)",
        };
        var dryRun = GlobalOptions.DryRun("Count the recipients whose address would change, and change nothing");
        var command = new Command("set", "Set an address type's template and regenerate that type's addresses (old ones stay as secondary)") { type, template, dryRun };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var typeName = context.ParseResult.GetRequiredValue(type).ToUpperInvariant();
            var text = context.ParseResult.GetRequiredValue(template);
            var dry = context.ParseResult.GetValue(dryRun);
            var changed = await new DirectoryAdmin(store).SetAddressTemplateAsync(typeName, text, dry, cancellationToken);
            var recipients = $"{changed} recipient{(changed == 1 ? "" : "s")}";
            context.Report(
                dry
                    ? $"Would set the {typeName} template; {recipients} would get a new primary {typeName} address. Dry run: the store was not changed."
                    : $"Set the {typeName} template; {recipients} got a new primary {typeName} address",
                w =>
                {
                    w.WriteString("addressType", typeName);
                    w.WriteString("template", text);
                    w.WriteNumber("changed", changed);
                    w.WriteBoolean("dryRun", dry);
                });
        });
        return command;
    }
}

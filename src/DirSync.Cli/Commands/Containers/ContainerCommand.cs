using System.CommandLine;
using DirSync.Core.Admin;
using DirSync.Core.Model;

namespace DirSync.Cli.Commands.Containers;

/// <summary><c>dirsync container add|list</c>.</summary>
internal static class ContainerCommand
{
    public static Command Create(CliIo io) =>
        new("container", "Add and list recipient containers") { Add(io), List(io) };

    private static Command Add(CliIo io)
    {
        var path = new Argument<string>("path") { Description = "The new container, such as Recipients/Sales; its parent must exist" };
        var command = new Command("add", "Create a container") { path };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var parsed = DirectoryPath.Parse(context.ParseResult.GetRequiredValue(path));
            await using var store = await context.OpenStoreAsync(cancellationToken);
            await new DirectoryAdmin(store).AddContainerAsync(parsed, cancellationToken);
            context.Report($"Created container {parsed}", w =>
            {
                w.WriteString("path", parsed.Value);
                w.WriteNumber("recipients", 0);
            });
        });
        return command;
    }

    private static Command List(CliIo io)
    {
        var command = new Command("list", "List the containers with how many recipients each holds");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var containers = await store.ListContainersAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var container in containers)
                    {
                        w.WriteStartObject();
                        w.WriteString("path", container.Path.Value);
                        w.WriteNumber("recipients", container.RecipientCount);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return;
            }

            var table = new Output.TableWriter(context.Out, "CONTAINER", "RECIPIENTS");
            foreach (var container in containers)
            {
                table.Row(container.Path.Value, container.RecipientCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            table.Finish();
        });
        return command;
    }
}

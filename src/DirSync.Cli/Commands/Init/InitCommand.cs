using System.CommandLine;
using DirSync.Core.Admin;

namespace DirSync.Cli.Commands.Init;

/// <summary><c>dirsync init</c>: creates a store.</summary>
internal static class InitCommand
{
    public static Command Create(CliIo io)
    {
        var org = new Option<string>("--org") { Description = "The organization, such as Testorg", Required = true };
        var site = new Option<string>("--site") { Description = "The site, such as Site1", Required = true };
        var server = new Option<string>("--server") { Description = "The server, such as Server1", Required = true };
        var json = GlobalOptions.Json();
        var command = new Command("init", "Create a new store: a new file, or the schema in an empty PostgreSQL database (never overwrites one)") { org, site, server, json };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var info = DirectorySetup.NewStoreInfo(
                context.ParseResult.GetRequiredValue(org),
                context.ParseResult.GetRequiredValue(site),
                context.ParseResult.GetRequiredValue(server),
                context.TimeProvider.GetUtcNow());
            await using var store = await context.Store.CreateAsync(info, DirectorySetup.InitializeAsync, context.LockTimeout, cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w => StoreJson.Write(w, store.Info, context.StorePath, 0));
                return;
            }

            context.Out.WriteLine($"Created store {context.StorePath}");
            context.Out.WriteLine($"  {info.DisplayName}, identity {info.Identity}");
            context.Out.WriteLine($"  container Recipients; address templates {string.Join(", ", DirectorySetup.DefaultAddressTypes)}");
        });
        return command;
    }
}

using System.CommandLine;

namespace DirSync.Cli.Commands.Init;

/// <summary><c>dirsync info</c>: who a store is and how far its USN has gone.</summary>
internal static class InfoCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("info", "Show the store's identity, organization, site, server and highest USN");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var usn = await store.GetHighestUsnAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w => StoreJson.Write(w, store.Info, context.StorePath, usn));
                return;
            }

            var info = store.Info;
            context.Out.WriteLine($"Store:         {context.StorePath}");
            context.Out.WriteLine($"Organization:  {info.Organization}");
            context.Out.WriteLine($"Site:          {info.Site}");
            context.Out.WriteLine($"Server:        {info.Server}");
            context.Out.WriteLine($"Identity:      {info.Identity}");
            context.Out.WriteLine($"Created:       {info.Created:u}");
            context.Out.WriteLine($"Highest USN:   {usn}");
        });
        return command;
    }
}

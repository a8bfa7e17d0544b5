return await DirSync.Cli.DirSyncCommand.RunAsync(args);

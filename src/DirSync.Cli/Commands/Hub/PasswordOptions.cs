using System.CommandLine;
using DirSync.Core;
using DirSync.Core.Transport;

namespace DirSync.Cli.Commands.Hub;

/// <summary>
/// <c>--password</c> and <c>--password-file</c>: a Dir-Sync password given on the command line, or read
/// from a file so that it appears in no process list and no shell history.
/// </summary>
internal sealed class PasswordOptions
{
    private readonly Option<string?> _password;
    private readonly Option<string?> _file;

    public PasswordOptions(string description)
    {
        _password = new Option<string?>("--password") { Description = description, HelpName = "pw" };
        _file = new Option<string?>("--password-file")
        {
            Description = "Read the password from the first line of this file instead (it then shows in no process list)",
            HelpName = "path",
        };
    }

    /// <summary>Adds both options to <paramref name="command"/>, which accepts one of them at most.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_password);
        command.Options.Add(_file);
        command.Validators.Add(result =>
        {
            if (result.GetResult(_password) is not null && result.GetResult(_file) is not null)
            {
                result.AddError("give --password or --password-file, not both");
            }
        });
    }

    /// <summary>The password given, or null when neither option was.</summary>
    /// <exception cref="DirSyncException">The file cannot be read.</exception>
    public string? Read(CommandContext context)
    {
        if (context.ParseResult.GetValue(_file) is not { } file)
        {
            return context.ParseResult.GetValue(_password);
        }

        var path = Path.GetFullPath(file, context.Io.CurrentDirectory);
        using (var stream = InputFile.OpenRead(path, $"the password file '{file}'", "write the password on its first line (readable by this user only)"))
        using (var reader = new StreamReader(stream))
        {
            // The first line, without its line end: what `echo pw > file` or an editor leaves.
            return reader.ReadLine() ?? "";
        }
    }
}

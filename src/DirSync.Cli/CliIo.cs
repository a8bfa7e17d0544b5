namespace DirSync.Cli;

/// <summary>Where a command reads its environment and writes its output; the real console, or buffers in tests.</summary>
internal sealed class CliIo
{
    private readonly Output.SpooledOutput _spool;

    public CliIo(Stream stdout, TextWriter error, Func<string, string?> environment, string currentDirectory)
    {
        _spool = new Output.SpooledOutput(stdout);
        StdOut = _spool;
        Out = new StreamWriter(_spool, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true) { AutoFlush = false };
        Error = error;
        Environment = environment;
        CurrentDirectory = currentDirectory;
    }

    /// <summary>Standard output as bytes, for JSON written as UTF-8; held back until the command succeeds (see <see cref="Output.SpooledOutput"/>).</summary>
    public Stream StdOut { get; }

    /// <summary>Standard output as text.</summary>
    public StreamWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Reads an environment variable.</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>The folder relative paths start from.</summary>
    public string CurrentDirectory { get; }

    /// <summary>True when standard error is a terminal (progress may be drawn there).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Writes the output held so far and lets later output through at once: for output that must not wait for the end.</summary>
    public void CommitOutput()
    {
        Out.Flush();
        _spool.Commit();
    }

    /// <summary>Drops the output held so far, and any written later: the command failed.</summary>
    public void DiscardOutput()
    {
        Out.Flush();
        _spool.Discard();
    }

    public static CliIo FromConsole() =>
        new(Console.OpenStandardOutput(), Console.Error, System.Environment.GetEnvironmentVariable, System.Environment.CurrentDirectory)
        {
            ErrorIsTerminal = !Console.IsErrorRedirected,
        };
}

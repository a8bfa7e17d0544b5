namespace DirSync.Cli;

/// <summary>Where a command reads its environment and writes its output; the real console, or buffers in tests.</summary>
internal sealed class CliIo
{
    public CliIo(Stream stdout, TextWriter error, Func<string, string?> environment, string currentDirectory)
    {
        StdOut = stdout;
        Out = new StreamWriter(stdout, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true) { AutoFlush = false };
        Error = error;
        Environment = environment;
        CurrentDirectory = currentDirectory;
    }

    /// <summary>The raw standard output, for JSON written as UTF-8 bytes.</summary>
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

    public static CliIo FromConsole() =>
        new(Console.OpenStandardOutput(), Console.Error, System.Environment.GetEnvironmentVariable, System.Environment.CurrentDirectory)
        {
            ErrorIsTerminal = !Console.IsErrorRedirected,
        };
}

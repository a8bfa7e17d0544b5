using System.Text.RegularExpressions;
using DirSync.Tests.Support;

namespace DirSync.Tests.Server;

/// <summary>The real <c>dirsync serve</c> running as a child process on a free loopback port.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private ServeProcess(CliProcess process, Uri url)
    {
        Process = process;
        Url = url;
    }

    public CliProcess Process { get; }

    /// <summary>The address it listens on, such as http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    /// <summary>Starts serve on <paramref name="store"/> (port 0: the system picks one) and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(string workingDirectory, string store, params string[] args)
    {
        var process = CliProcess.Start(workingDirectory, null, ["--store", store, "serve", "--listen", "127.0.0.1:0", .. args]);
        Uri? url = null;
        await process.WaitUntilAsync(
            () =>
            {
                var line = process.OutLines.FirstOrDefault(l => l.StartsWith("dirsync serve on ", StringComparison.Ordinal));
                if (line is not null && Listening().Match(line) is { Success: true } match)
                {
                    url = new Uri(match.Groups[1].Value + "/");
                }

                return url is not null;
            },
            TimeSpan.FromSeconds(60),
            "serve listening");
        return new ServeProcess(process, url!);
    }

    /// <summary>The lines serve logged that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Lines(string text) => Process.OutLines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}

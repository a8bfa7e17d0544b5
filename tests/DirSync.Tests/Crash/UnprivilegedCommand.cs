using System.Diagnostics;
using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>The built dirsync as the unprivileged user 65534 can run it, wherever the checkout lives: a copy of the command, a .NET host it can reach and a home of its own.</summary>
/// <remarks>
/// The build output sits in the checkout, which may be under a private folder (a home, a <c>mktemp -d</c>) that
/// user 65534 cannot enter; the .NET host may be installed in one too (<c>~/.dotnet</c>). So the command's files, as
/// its <c>dirsync.deps.json</c> lists them, are copied once per test run into a temp folder everybody may read, with
/// the host and runtime beside them when the installed ones are out of that user's reach. The host wants a home for
/// its settings, and 65534 (nobody) has none: <c>HOME</c> and <c>DOTNET_CLI_HOME</c> name a folder it owns.
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class UnprivilegedCommand
{
    /// <summary>The user the command runs as.</summary>
    public const string User = "65534";

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Traversable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>What a command run as user 65534 starts with.</summary>
    private static readonly string[] Setpriv = ["setpriv", $"--reuid={User}", $"--regid={User}", "--clear-groups"];

    private static readonly Lazy<Task<UnprivilegedCommand>> Staged = new(StageAsync);

    private UnprivilegedCommand(string host, string commandPath, string home)
    {
        Host = host;
        CommandPath = commandPath;
        Home = home;
    }

    /// <summary>The <c>dotnet</c> host user 65534 runs the command with.</summary>
    public string Host { get; }

    /// <summary>The copy of dirsync.dll.</summary>
    public string CommandPath { get; }

    /// <summary>The folder user 65534 owns, its HOME and DOTNET_CLI_HOME.</summary>
    public string Home { get; }

    /// <summary>Why user 65534 cannot be used here (no setpriv, or not allowed to switch user), or null when it can.</summary>
    public static async Task<string?> WhyNotAvailableAsync()
    {
        var probe = await TryAsUserAsync("true");
        return probe.ExitCode == 0 ? null : $"'{string.Join(' ', Setpriv)} true' exited with {probe.ExitCode}: {probe.Error.Trim()}";
    }

    /// <summary>Runs <paramref name="command"/> as user 65534.</summary>
    public static Task<CliResult> TryAsUserAsync(params string[] command) =>
        FileSystemConditions.TryToolAsync(Setpriv[0], [.. Setpriv.Skip(1), .. command]);

    /// <summary>The command, staged on first use and kept for the rest of the test run.</summary>
    public static Task<UnprivilegedCommand> GetAsync() => Staged.Value;

    /// <summary>Makes <paramref name="start"/> run dirsync with <paramref name="args"/> as user 65534.</summary>
    public void Prepare(ProcessStartInfo start, IEnumerable<string> args)
    {
        start.FileName = Setpriv[0];
        foreach (var arg in Setpriv.Skip(1).Concat([Host, CommandPath]).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = Home;
        start.Environment["DOTNET_CLI_HOME"] = Home;
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Host)!;
    }

    private static async Task<UnprivilegedCommand> StageAsync()
    {
        var folder = new TempFolder();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        File.SetUnixFileMode(folder.Path, Traversable);

        var command = CopyCommand(AppContext.BaseDirectory, Directory.CreateDirectory(folder.File("dirsync")).FullName);
        var home = Directory.CreateDirectory(folder.File("home")).FullName;
        var chown = await FileSystemConditions.TryToolAsync("chown", $"{User}:{User}", home);
        Assert.True(chown.ExitCode == 0, $"cannot give user {User} a home: chown: {chown}");
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // The runtime these tests run on is the one the command is built for; its host is three folders up.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var host = Path.Combine(root, "dotnet");
        Assert.True(File.Exists(host), $"no .NET host beside the runtime '{runtime}' (looked for '{host}')");
        var reach = await TryAsUserAsync("sh", "-c", "test -x \"$1\" && test -r \"$2\"", "sh", host, Path.Combine(runtime, "System.Private.CoreLib.dll"));
        if (reach.ExitCode != 0)
        {
            host = CopyHost(root, runtime, Directory.CreateDirectory(folder.File("dotnet")).FullName);
        }

        var staged = new UnprivilegedCommand(host, command, home);
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = home };
        staged.Prepare(start, ["--version"]);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(
            process.ExitCode == 0,
            $"user {User} cannot run the staged command '{command}' with the host '{host}' (is a folder above '{folder.Path}' closed to other users?): exit {process.ExitCode}\n{await output}{await error}");
        return staged;
    }

    /// <summary>Copies dirsync.dll and what its deps.json names from <paramref name="build"/> to <paramref name="to"/>; returns the copy of dirsync.dll.</summary>
    private static string CopyCommand(string build, string to)
    {
        List<string> files = ["dirsync.dll", "dirsync.deps.json", "dirsync.runtimeconfig.json"];
        using (var deps = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(build, "dirsync.deps.json"))))
        {
            var target = deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
            foreach (var library in deps.RootElement.GetProperty("targets").GetProperty(target).EnumerateObject())
            {
                // A build output holds a package's assemblies by file name, its satellites under their culture,
                // and its platform-specific files at the path the deps.json gives.
                files.AddRange(Assets(library.Value, "runtime").Select(a => Path.GetFileName(a.Name)));
                files.AddRange(Assets(library.Value, "native").Select(a => Path.GetFileName(a.Name)));
                files.AddRange(Assets(library.Value, "resources").Select(a => Path.Combine(a.Value.GetProperty("locale").GetString()!, Path.GetFileName(a.Name))));
                files.AddRange(Assets(library.Value, "runtimeTargets").Select(a => a.Name).Where(name => File.Exists(Path.Combine(build, name))));
            }
        }

        foreach (var file in files.Distinct())
        {
            CopyReadable(Path.Combine(build, file), Path.Combine(to, file), to);
        }

        return Path.Combine(to, "dirsync.dll");
    }

    /// <summary>Copies the host, its resolver and the runtime the tests run on from <paramref name="root"/> to <paramref name="to"/>; returns the copied host.</summary>
    private static string CopyHost(string root, string runtime, string to)
    {
        var fxr = Path.Combine(root, "host", "fxr");
        var newestFxr = Directory.GetDirectories(fxr).OrderBy(d => Version.Parse(Path.GetFileName(d).Split('-')[0])).Last();
        var sources = new[] { Path.Combine(root, "dotnet") }
            .Concat(Directory.GetFiles(newestFxr))
            .Concat(Directory.GetFiles(runtime, "*", SearchOption.AllDirectories));
        foreach (var source in sources)
        {
            CopyReadable(source, Path.Combine(to, Path.GetRelativePath(root, source)), to);
        }

        var host = Path.Combine(to, "dotnet");
        File.SetUnixFileMode(host, Traversable);
        return host;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> readable by everyone, with every folder up to <paramref name="top"/> open to them.</summary>
    private static void CopyReadable(string source, string target, string top)
    {
        Assert.True(File.Exists(source), $"'{source}' is missing from the build output; build the tests again");
        for (var folder = Path.GetDirectoryName(target)!; folder.Length >= top.Length; folder = Path.GetDirectoryName(folder)!)
        {
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, Traversable);
        }

        File.Copy(source, target, overwrite: true);
        File.SetUnixFileMode(target, Readable);
    }

    private static IEnumerable<JsonProperty> Assets(JsonElement library, string group) =>
        library.TryGetProperty(group, out var assets) ? assets.EnumerateObject() : [];
}

using DirSync.Core;
using DirSync.Core.Scheduling;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Scheduling;

/// <summary>What the schedule, kick and daemon commands share: the time zone schedules follow and the after-import step.</summary>
internal static class CycleSetup
{
    public const string TimeZoneVariable = "DIRSYNC_TIMEZONE";

    /// <summary>The time zone schedules follow: $DIRSYNC_TIMEZONE, else the machine's.</summary>
    public static TimeZoneInfo TimeZone(CliIo io)
    {
        var id = io.Environment(TimeZoneVariable);
        if (string.IsNullOrWhiteSpace(id))
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidValueException($"{TimeZoneVariable}='{id}' is not a time zone this machine knows; use a name such as Europe/Berlin or UTC");
        }
    }

    public static Daemon CreateDaemon(CliIo io, Action<DaemonRun>? runLogged = null, Action<string>? pollFailed = null) =>
        new(new CycleRunner(TimeProvider.System), new Scheduler(TimeZone(io)))
        {
            RunLogged = runLogged,
            PollFailed = pollFailed,
        };
}

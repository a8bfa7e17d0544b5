using System.Runtime.InteropServices;

namespace DirSync.Cli;

/// <summary>Ctrl+C (SIGINT) and SIGTERM for the real process: they cancel the command, and end it if it does not end soon.</summary>
/// <remarks>
/// <para>A signal cancels the token every command runs with; a command that notices rolls its transaction
/// back and exits with <see cref="ExitCode"/> and one line. A command that cannot notice — the kernel holds it
/// in a read, SQLite in its wait for another writer's lock, a step that does not look at the token — is ended
/// after <see cref="Grace"/> with the same line and code. Ending it then is safe: what it had not committed
/// is not in the store (SQLite drops an uncommitted transaction when the store is next opened), and a file it
/// was writing is still under its temporary name, which the next write of that file removes.</para>
/// <para>A second signal ends the process at once, in the same way.</para>
/// </remarks>
internal sealed class StopSignals : IDisposable
{
    /// <summary>How long a command may take to stop by itself after a signal.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly CancellationTokenSource _cancel = new();
    private readonly TextWriter _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _lock = new();
    private Timer? _deadline;
    private int _signal;
    private bool _finished;

    public StopSignals(TextWriter error)
    {
        _error = error;
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Received(context, SigInt)));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Received(context, SigTerm)));
    }

    /// <summary>The signal that stopped the command (2 or 15), or 0 while none arrived.</summary>
    public static int Signal { get; private set; }

    /// <summary>Cancelled when a signal arrives.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The exit code for a command a signal stopped: 128 plus the signal's number, as shells report it.</summary>
    public static int ExitCode(int signal) => 128 + (signal == 0 ? SigInt : signal);

    /// <summary>The one line a stopped command prints.</summary>
    public static string Line(int signal) =>
        $"dirsync: stopped by {(signal == SigTerm ? "SIGTERM" : "Ctrl+C (SIGINT)")}; nothing of the interrupted step was applied";

    /// <summary>Marks the command as ended, so the deadline no longer ends the process.</summary>
    public void Finished()
    {
        lock (_lock)
        {
            _finished = true;
            _deadline?.Dispose();
        }
    }

    public void Dispose()
    {
        Finished();
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void Received(PosixSignalContext context, int signal)
    {
        // The command ends the process itself, with its own code and line.
        context.Cancel = true;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            if (_signal != 0)
            {
                End(_signal);
                return;
            }

            _signal = signal;
            Signal = signal;
            _deadline = new Timer(_ => Expired(), null, Grace, Timeout.InfiniteTimeSpan);
        }

        _cancel.Cancel();
    }

    private void Expired()
    {
        lock (_lock)
        {
            if (!_finished)
            {
                End(_signal);
            }
        }
    }

    private void End(int signal)
    {
        _finished = true;
        try
        {
            _error.WriteLine(Line(signal));
            _error.Flush();
        }
        finally
        {
            Environment.Exit(ExitCode(signal));
        }
    }
}

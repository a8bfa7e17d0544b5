namespace DirSync.Core;

/// <summary>A note added to an error on its way up, such as which part of the work stays applied; the one error line ends with it.</summary>
/// <remarks>
/// Kept in <see cref="Exception.Data"/>, so any error can carry one — also a store's own error that only the
/// command line turns into a <see cref="DirSyncException"/>.
/// </remarks>
public static class ErrorNotes
{
    private const string Key = "DirSync.Note";

    /// <summary>Adds <paramref name="note"/> to <paramref name="error"/> (replacing an earlier one) and returns the error.</summary>
    public static TException Add<TException>(TException error, string note)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(error);
        error.Data[Key] = note;
        return error;
    }

    /// <summary>The message of <paramref name="error"/>, with the note <paramref name="thrown"/> (or the error itself) carries.</summary>
    public static string Describe(DirSyncException error, Exception thrown)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(thrown);
        var note = thrown.Data[Key] as string ?? error.Data[Key] as string;
        return note is null ? error.Message : $"{error.Message}; {note}";
    }
}

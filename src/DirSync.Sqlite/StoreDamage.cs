namespace DirSync.Sqlite;

/// <summary>The mark a store found damaged carries: a file <c>&lt;store&gt;-damaged</c> beside it, saying when and what was found.</summary>
/// <remarks>
/// <para>Finding damage costs a read of the whole store (SQLite's integrity check), far too much for every
/// command at a million recipients; SQLite does find it, though, whenever a command reads a damaged page. From
/// then on the mark stops every write, cheaply (one look for a file when a write begins), so nothing is built
/// on top of the damage — while reading goes on, so what is still whole can be listed or exported.</para>
/// <para>The mark lives beside the store, not in it: writing into a damaged file is what it is there to
/// prevent. <c>dirsync store check</c> sets it when it finds damage and removes it when it finds none (after a
/// restore from a backup, say).</para>
/// </remarks>
public static class StoreDamage
{
    /// <summary>The mark's file for the store at <paramref name="storePath"/>.</summary>
    public static string MarkPath(string storePath) => System.IO.Path.GetFullPath(storePath) + "-damaged";

    /// <summary>What the mark says (when and what was found), or null when the store is not marked.</summary>
    public static string? Read(string storePath)
    {
        try
        {
            return File.Exists(MarkPath(storePath)) ? File.ReadAllText(MarkPath(storePath)).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "a damage mark that cannot be read";
        }
    }

    /// <summary>Marks the store as damaged; best effort, as the store's own error is the one to report.</summary>
    public static void Mark(string storePath, string what)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(new FileStream(MarkPath(storePath), options));
            writer.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss'Z'}: {what}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the mark a later write is not stopped by it, but SQLite still reports the damage it meets.
        }
    }

    /// <summary>Removes the mark: the store was checked and found whole.</summary>
    public static void Clear(string storePath)
    {
        File.Delete(MarkPath(storePath));
    }
}

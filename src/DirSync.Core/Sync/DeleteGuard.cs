using System.Globalization;

namespace DirSync.Core.Sync;

/// <summary>Stops an import that would delete more than an administrator would expect, before anything is applied.</summary>
/// <remarks>
/// <para>The limit is 500 deletions, or 10% of what the source owns here, whichever is smaller —
/// but never fewer than 10, so that everyday deletions at a small site (the seed deletes one of
/// three mailboxes) flow without a prompt. An instance or requestor may set its own limit.</para>
/// <para>A full change set that holds nothing from a source that owns entries here is taken for
/// a broken source, not for "delete everything", whatever the limit.</para>
/// <para>The guard is checked when the work is done but not yet committed: a blocked run rolls
/// back whole, so nothing is applied.</para>
/// </remarks>
public static class DeleteGuard
{
    /// <summary>The most deletions allowed without permission.</summary>
    public const long Maximum = 500;

    /// <summary>The share of a source's entries that may be deleted without permission.</summary>
    public const double Fraction = 0.10;

    /// <summary>Deletions up to this many are always allowed.</summary>
    public const long Floor = 10;

    /// <summary>The limit for a source that owns <paramref name="owned"/> entries, or the configured one.</summary>
    public static long Limit(long owned, long? configured) =>
        configured ?? Math.Max(Floor, Math.Min(Maximum, (long)Math.Floor(owned * Fraction)));

    /// <summary>Reads a configured limit (<c>--delete-limit</c>): a whole number from 0, or "default" for none (the limit of <see cref="Limit"/>).</summary>
    /// <exception cref="InvalidValueException">Neither.</exception>
    public static long? ParseLimit(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Equals("default", StringComparison.OrdinalIgnoreCase) ? null
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new InvalidValueException($"--delete-limit '{text}' is neither a whole number of recipients nor 'default'");
    }

    /// <summary>Throws when the deletions must not go ahead.</summary>
    /// <param name="deletes">What the run would delete.</param>
    /// <param name="owned">What the source owned here before the run.</param>
    /// <param name="records">How many records the change set held.</param>
    /// <param name="full">True for a full change set.</param>
    /// <param name="configured">The instance's or requestor's own limit, if set.</param>
    /// <param name="allowed">The number the administrator allowed for this run (<c>--allow-deletes</c>), if any.</param>
    /// <param name="source">The source, for the message.</param>
    /// <param name="setting">How to raise the limit for good (a command), for the message.</param>
    /// <param name="retry">The command that runs the work again allowing a number of deletions, for the message; null to say it in words.</param>
    /// <exception cref="DirSyncException">The deletions are blocked (category <see cref="ErrorCategory.Guard"/>).</exception>
    public static void Check(long deletes, long owned, long records, bool full, long? configured, long? allowed, string source, string setting, Func<long, string>? retry = null)
    {
        var again = retry is null ? $"run again allowing {Count(deletes)} deletions" : $"run again with '{retry(deletes)}'";
        if (deletes == 0 || (allowed is { } n && deletes <= n))
        {
            return;
        }

        if (full && records == 0 && owned > 0)
        {
            throw new DirSyncException(
                $"the full change set from {source} holds no entries, but {Count(owned)} recipients here came from it: that looks like a broken source, not a request to delete them all; nothing was applied. If {source} really has none left, {again}",
                ErrorCategory.Guard);
        }

        var limit = Limit(owned, configured);
        if (deletes > limit)
        {
            var why = configured is null ? $"500, or 10% of the {Count(owned)} it owns here, whichever is smaller, and at least {Floor}" : "the limit set for it";
            throw new DirSyncException(
                $"the changes from {source} would delete {Count(deletes)} recipients, more than the limit of {Count(limit)} ({why}); nothing was applied. If the deletes are intended, {again}, or raise the limit with '{setting}'",
                ErrorCategory.Guard);
        }
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

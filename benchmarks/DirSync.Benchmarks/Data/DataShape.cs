namespace DirSync.Benchmarks.Data;

/// <summary>Which people and lists the generator writes (docs/benchmarks.md, "Data shapes").</summary>
internal enum DataShape
{
    /// <summary>Mailboxes only; every alias and display name distinct, all ASCII. The shape of every figure before issue 17.</summary>
    Uniform,

    /// <summary>Shared display names, non-ASCII names, a name-based SMTP template, and one list of 1,000 members per 1,000 mailboxes.</summary>
    Realistic,
}

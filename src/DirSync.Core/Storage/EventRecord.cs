namespace DirSync.Core.Storage;

/// <summary>One entry of a store's event log.</summary>
/// <param name="Id">Its number in the log (0 before it is stored).</param>
/// <param name="Time">When it happened.</param>
/// <param name="Code">Its numbered code, modelled on the original's (105 received, 156 bad password, ...).</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Message">What happened, in one line.</param>
public sealed record EventRecord(long Id, DateTimeOffset Time, int Code, EventSeverity Severity, string Message);

namespace DirSync.Core;

/// <summary>A value given by the user is not valid; the message names the value and what would be.</summary>
public sealed class InvalidValueException(string message) : DirSyncException(message, ErrorCategory.InvalidValue);

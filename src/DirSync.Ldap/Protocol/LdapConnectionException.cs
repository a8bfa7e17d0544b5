namespace DirSync.Ldap.Protocol;

/// <summary>The connection to the server failed or was lost; nothing more can be sent on it.</summary>
internal sealed class LdapConnectionException : Exception
{
    public LdapConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

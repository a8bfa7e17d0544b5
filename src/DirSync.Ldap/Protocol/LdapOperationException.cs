namespace DirSync.Ldap.Protocol;

/// <summary>A server refused an operation; carries its result.</summary>
internal sealed class LdapOperationException : Exception
{
    public LdapOperationException(string operation, LdapResult result)
        : base($"{operation}: {result.Describe()}")
    {
        Operation = operation;
        Result = result;
    }

    public string Operation { get; }

    public LdapResult Result { get; }
}

namespace DirSync.Ldap.Protocol;

/// <summary>The application tag numbers of LDAP's protocol operations (RFC 4511 appendix B).</summary>
internal static class LdapOperations
{
    public const int BindRequest = 0;
    public const int BindResponse = 1;
    public const int UnbindRequest = 2;
    public const int SearchRequest = 3;
    public const int SearchEntry = 4;
    public const int SearchDone = 5;
    public const int ModifyRequest = 6;
    public const int ModifyResponse = 7;
    public const int AddRequest = 8;
    public const int AddResponse = 9;
    public const int DeleteRequest = 10;
    public const int DeleteResponse = 11;
    public const int ModifyDnRequest = 12;
    public const int ModifyDnResponse = 13;
    public const int AbandonRequest = 16;
    public const int SearchReference = 19;
    public const int ExtendedRequest = 23;
    public const int ExtendedResponse = 24;
    public const int Intermediate = 25;
}

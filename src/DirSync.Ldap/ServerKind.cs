namespace DirSync.Ldap;

/// <summary>What kind of directory server answers, read from its root DSE.</summary>
internal enum ServerKind
{
    /// <summary>Any LDAPv3 server that is not Active Directory (OpenLDAP and its kin).</summary>
    Ldap,

    /// <summary>Active Directory (or Samba's domain controller): it lists LDAP_CAP_ACTIVE_DIRECTORY_OID.</summary>
    ActiveDirectory,
}

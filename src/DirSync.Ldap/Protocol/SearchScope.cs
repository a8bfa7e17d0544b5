namespace DirSync.Ldap.Protocol;

/// <summary>How far below its base a search looks.</summary>
internal enum SearchScope
{
    Base = 0,
    OneLevel = 1,
    Subtree = 2,
}

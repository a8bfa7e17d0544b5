using System.Text;

namespace DirSync.Tests.Fuzz;

/// <summary>The valid files the fuzz tests start from: the golden files, plus inputs that reach what those lack.</summary>
internal static class FuzzCorpus
{
    /// <summary>LDIF in every shape the reader accepts: content and change records, folds, base64, controls, comments, CR LF.</summary>
    public static IReadOnlyList<byte[]> Ldif { get; } =
    [
        TestData("Ldif", "edge-values.ldif"),
        TestData("Ldif", "reader-input.ldif"),
        TestData("ChangeSets", "changeset.ldif"),
        Encoding.UTF8.GetBytes(
            "version: 1\n# a comment\n#  folded\n  over two lines\ndn:: Y249TcO8bGxlcg==\ncn: a\n b\ncn;lang-de:: 5pel5pys6Kqe\n\n"
            + "dn: o=x\ncontrol: 1.2.840.113556.1.4.805 true\ncontrol: 2.25.7 false: x\nchangetype: modify\nadd: cn\ncn: y\n-\ndelete: sn\n-\nreplace: mail\nmail:: bWFpbA==\n-\n\n"
            + "dn: o=y\nchangetype: modrdn\nnewrdn: o=z\ndeleteoldrdn: 1\nnewsuperior: o=w\n\n"
            + "dn: o=v\nchangetype: delete\n\ndn: o=u\nchangetype: add\n2.5.4.3: x\n# inside\nsn: \n"),
    ];

    /// <summary>EDK DIRSYNC files: the reference sample, the writer's awkward values, a change set.</summary>
    public static IReadOnlyList<byte[]> Edk { get; } =
    [
        TestData("EdkDirSync", "sample.dirsync"),
        TestData("EdkDirSync", "edge-values.dirsync"),
        TestData("ChangeSets", "changeset.dirsync"),
    ];

    public static byte[] TestData(string folder, string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", folder, name));
}

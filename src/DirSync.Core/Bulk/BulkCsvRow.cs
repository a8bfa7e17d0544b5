using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>One data row of a bulk CSV file, as <see cref="BulkCsvReader"/> read it.</summary>
/// <remarks>
/// The reader reuses one row object: its values, and <see cref="Text"/> above all, stay valid only
/// until the next <see cref="BulkCsvReader.Read"/>. A row that could not be read carries its
/// <see cref="Error"/>; then only <see cref="Line"/> and <see cref="Text"/> are meaningful.
/// </remarks>
public sealed class BulkCsvRow
{
    private readonly BulkCsvReader _reader;
    private readonly List<BulkField> _fields = [];

    internal BulkCsvRow(BulkCsvReader reader)
    {
        _reader = reader;
    }

    /// <summary>The 1-based line the row starts on (a quoted value may continue on the lines after it).</summary>
    public long Line { get; private set; }

    /// <summary>Why the row cannot be applied, or null.</summary>
    public InputFormatException? Error { get; private set; }

    /// <summary>What the row asks for.</summary>
    public BulkMode Mode { get; private set; }

    /// <summary>The row's <c>Obj-Class</c>.</summary>
    public ObjectClass Class { get; private set; }

    /// <summary>The alias of the recipient the row is about.</summary>
    public string Alias { get; private set; } = "";

    /// <summary>Where the recipient is to be created, from the row's <c>Obj-Container</c> field; null when the row gives none.</summary>
    public DirectoryPath? Container { get; private set; }

    /// <summary>The non-empty attribute fields besides the alias, in column order; an empty field means "leave as is" and is absent.</summary>
    public IReadOnlyList<BulkField> Fields => _fields;

    /// <summary>The row's bytes as the file holds them, without its final line end.</summary>
    public ReadOnlySpan<byte> Text => _reader.CurrentRecordText;

    /// <summary>The field of an attribute, if the row has a non-empty one.</summary>
    public BulkField? Find(AttributeDefinition attribute)
    {
        foreach (var field in _fields)
        {
            if (field.Column.Attribute == attribute)
            {
                return field;
            }
        }

        return null;
    }

    internal void Start(long line)
    {
        Line = line;
        Error = null;
        Mode = BulkMode.Update;
        Class = default;
        Alias = "";
        Container = null;
        _fields.Clear();
    }

    internal void Fail(InputFormatException error) => Error = error;

    internal void SetIdentity(BulkMode mode, ObjectClass objectClass, string alias)
    {
        Mode = mode;
        Class = objectClass;
        Alias = alias;
    }

    internal void SetContainer(DirectoryPath container) => Container = container;

    internal void Add(BulkField field) => _fields.Add(field);
}

using System.CommandLine;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;

namespace DirSync.Cli.Commands.Recipients;

/// <summary>The options that set a recipient's values, shared by <c>add</c> and <c>set</c>.</summary>
internal sealed class ChangeOptions
{
    private readonly ObjectClass _class;
    private readonly Option<string?> _alias = new("--alias") { Description = "Rename: the new alias" };
    private readonly Option<string?> _displayName = new("--display-name") { Description = "The name shown in address lists" };
    private readonly Option<string?> _givenName = new("--given-name") { Description = "Given name (Given-Name)" };
    private readonly Option<string?> _surname = new("--surname") { Description = "Surname" };
    private readonly Option<string?> _container = new("--container") { Description = "The container, such as Recipients/Sales (default Recipients)", HelpName = "path" };
    private readonly Option<string?> _target = new("--target-address") { Description = "Where the mail goes, TYPE:address", HelpName = "TYPE:address" };
    private readonly Option<string[]> _members = new("--member") { Description = "A member alias (repeatable); on set, replaces the whole list", HelpName = "alias" };
    private readonly Option<string[]> _addMembers = new("--add-member") { Description = "A member alias to add (repeatable)", HelpName = "alias" };
    private readonly Option<string[]> _removeMembers = new("--remove-member") { Description = "A member alias to remove (repeatable)", HelpName = "alias" };
    private readonly Option<string[]> _attrs = new("--attr")
    {
        Description = "Set an attribute by either spelling, such as --attr Title=Manager or --attr extensionAttribute1=x (repeatable; repeat a multi-valued one to add values; NAME= clears it)",
        HelpName = "NAME=VALUE",
    };

    private readonly bool _isSet;

    public ChangeOptions(ObjectClass objectClass, bool isSet)
    {
        _class = objectClass;
        _isSet = isSet;
        if (objectClass == ObjectClass.CustomRecipient && !isSet)
        {
            _target.Required = true;
        }
    }

    public void AddTo(Command command)
    {
        if (_isSet)
        {
            command.Options.Add(_alias);
        }

        command.Options.Add(_displayName);
        command.Options.Add(_givenName);
        command.Options.Add(_surname);
        command.Options.Add(_container);
        if (_class == ObjectClass.CustomRecipient)
        {
            command.Options.Add(_target);
        }

        if (_class == ObjectClass.DistributionList)
        {
            command.Options.Add(_members);
            if (_isSet)
            {
                command.Options.Add(_addMembers);
                command.Options.Add(_removeMembers);
            }
        }

        command.Options.Add(_attrs);
    }

    public RecipientChanges Read(ParseResult parseResult)
    {
        var changes = new RecipientChanges();
        foreach (var setting in parseResult.GetValue(_attrs) ?? [])
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidValueException($"--attr '{setting}' is not NAME=VALUE (for example --attr Title=Manager)");
            }

            changes.Set(setting[..equals], setting[(equals + 1)..]);
        }

        SetNamed(changes, AttributeCatalog.Alias, parseResult.GetValue(_alias));
        SetNamed(changes, AttributeCatalog.DisplayName, parseResult.GetValue(_displayName));
        SetNamed(changes, AttributeCatalog.GivenName, parseResult.GetValue(_givenName));
        SetNamed(changes, AttributeCatalog.Surname, parseResult.GetValue(_surname));
        SetNamed(changes, AttributeCatalog.TargetAddress, parseResult.GetValue(_target));
        if (parseResult.GetValue(_container) is { } container)
        {
            changes.Container = DirectoryPath.Parse(container);
        }

        if (parseResult.GetResult(_members) is not null)
        {
            changes.Members = [.. changes.Members ?? [], .. parseResult.GetValue(_members) ?? []];
        }

        changes.AddMembers.AddRange(parseResult.GetValue(_addMembers) ?? []);
        changes.RemoveMembers.AddRange(parseResult.GetValue(_removeMembers) ?? []);
        return changes;
    }

    private static void SetNamed(RecipientChanges changes, AttributeDefinition attribute, string? value)
    {
        if (value is not null)
        {
            changes.Set(attribute.LdapName, value);
        }
    }
}

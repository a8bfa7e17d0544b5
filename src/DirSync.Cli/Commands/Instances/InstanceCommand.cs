using System.CommandLine;
using System.Globalization;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Ldap;

namespace DirSync.Cli.Commands.Instances;

/// <summary><c>dirsync instance set|list|show|remove</c>: the original's /SET and /DISPLAY.</summary>
internal static class InstanceCommand
{
    public static Command Create(CliIo io) =>
        new("instance", "Configure named export and import instances (the original's /SET and /DISPLAY)") { Set(io), List(io), Show(io), Remove(io) };

    private static Command Set(CliIo io)
    {
        var name = new Argument<string>("name") { Description = "The instance name, such as INSTANCE1" };
        var export = new Option<bool>("--export") { Description = "The instance exports this store's changes to a file" };
        var import = new Option<bool>("--import") { Description = "The instance imports a file's changes into this store" };
        var both = new Option<bool>("--both") { Description = "The instance exports, then imports" };
        var file = new Option<string?>("--file") { Description = "The export or import file (for --both, use --export-file and --import-file)", HelpName = "path" };
        var exportFile = new Option<string?>("--export-file") { Description = "The file an export writes", HelpName = "path" };
        var importFile = new Option<string?>("--import-file") { Description = "The file an import reads", HelpName = "path" };
        var containers = new Option<string[]>("--container") { Description = "A container to export (repeatable; default Recipients)", HelpName = "path" };
        var subcontainers = new Option<bool?>("--subcontainers") { Description = "Also export the containers below (true or false)", Arity = ArgumentArity.ZeroOrOne };
        var attributes = new Option<string?>("--attributes") { Description = "The export list, comma-separated, in either spelling (default: every descriptive attribute)", HelpName = "list" };
        var classes = new Option<string?>("--classes") { Description = "What to export, comma-separated: mailbox, custom-recipient, dl (default mailbox)", HelpName = "list" };
        var addressType = new Option<string?>("--address-type") { Description = "Which source address becomes an imported recipient's target (default EDK)", HelpName = "TYPE" };
        var targetContainer = new Option<string?>("--target-container") { Description = "Where imports create recipients (default Recipients)", HelpName = "path" };
        var objectClass = new Option<string?>("--object-class") { Description = "What imports create: custom-recipient (default) or mailbox", HelpName = "class" };
        objectClass.AcceptOnlyFromAmong("custom-recipient", "mailbox", "remote");
        var mvAppend = new Option<bool?>("--mv-append") { Description = "Imports append to multi-valued attributes instead of replacing (true or false)", Arity = ArgumentArity.ZeroOrOne };
        var deleteLimit = GlobalOptions.DeleteLimit();
        var relay = new Option<bool?>("--relay") { Description = "Exports also pass on what this store imported, with its origin kept (true or false)", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string?>("--format") { Description = "The export format: ldif (default) or edk", HelpName = "format" };
        format.AcceptOnlyFromAmong("ldif", "edk");
        var ldap = new Option<string?>("--ldap") { Description = "A live directory instead of a file: ldap://host:port or ldaps://host:port (\"\" goes back to files)", HelpName = "URL" };
        var baseDn = new Option<string?>("--base-dn") { Description = "The directory subtree read or written; for an LDIF file export, the DN entries are written under", HelpName = "DN" };
        var bindDn = new Option<string?>("--bind-dn") { Description = "The DN to bind to the directory as (default: anonymous)", HelpName = "DN" };
        var passwordFile = new Option<string?>("--password-file") { Description = "The file whose first line is the bind password; only its path is stored", HelpName = "path" };
        var filter = new Option<string?>("--filter") { Description = "Which entries an import reads, as an LDAP filter (default: people with a mail address)", HelpName = "LDAPFILTER" };
        var tlsCa = new Option<string?>("--tls-ca") { Description = "A PEM file of the CA the server's certificate must chain to (ldaps, or StartTLS on ldap)", HelpName = "path" };
        var inetOrgPerson = new Option<bool?>("--ldif-inetorgperson") { Description = "LDIF file exports write entries a stock OpenLDAP schema accepts (true or false)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("set", "Create an instance or change its settings; its state is kept")
        {
            name, export, import, both, file, exportFile, importFile, containers, subcontainers, attributes, classes,
            addressType, targetContainer, objectClass, mvAppend, deleteLimit, relay, format, ldap, baseDn, bindDn, passwordFile, filter, tlsCa, inetOrgPerson,
        };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var result = context.ParseResult;
            var directions = new[] { (export, InstanceDirection.Export), (import, InstanceDirection.Import), (both, InstanceDirection.Both) }
                .Where(d => result.GetValue(d.Item1)).Select(d => d.Item2).ToList();
            if (directions.Count > 1)
            {
                throw new InvalidValueException("give only one of --export, --import and --both");
            }

            var changes = new InstanceChanges
            {
                Direction = directions.Count == 1 ? directions[0] : null,
                File = result.GetValue(file),
                ExportFile = result.GetValue(exportFile),
                ImportFile = result.GetValue(importFile),
                Containers = result.GetResult(containers) is null ? null : result.GetValue(containers),
                IncludeSubcontainers = Flag(result, subcontainers),
                Attributes = SplitList(result.GetValue(attributes)),
                Classes = SplitList(result.GetValue(classes)),
                AddressType = result.GetValue(addressType),
                TargetContainer = result.GetValue(targetContainer),
                ImportObjectClass = result.GetValue(objectClass),
                MultiValueAppend = Flag(result, mvAppend),
                DeleteLimit = result.GetValue(deleteLimit),
                Format = result.GetValue(format),
                Relay = Flag(result, relay),
                Ldap = result.GetValue(ldap),
                BaseDn = result.GetValue(baseDn),
                BindDn = result.GetValue(bindDn),
                PasswordFile = result.GetValue(passwordFile),
                Filter = result.GetValue(filter),
                TlsCa = result.GetValue(tlsCa),
                LdifInetOrgPerson = Flag(result, inetOrgPerson),
            };
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var (instance, created) = await new InstanceAdmin(store, new LdapConnector()).SetAsync(result.GetRequiredValue(name), changes, context.Io.CurrentDirectory, cancellationToken);
            context.Out.WriteLine($"{(created ? "Created" : "Changed")} instance {instance.Name}: {Summary(instance)}");
            if (instance.State.FullExportRequired is { } why)
            {
                context.Out.WriteLine($"The next run of {instance.Name} exports in full, as {why}: what entered the scope arrives, and what left it is deleted at the importer.");
            }
        });
        return command;
    }

    private static Command List(CliIo io)
    {
        var json = GlobalOptions.Json();
        var command = new Command("list", "List the instances with their state") { json };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var instances = await store.ListInstancesAsync(cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var instance in instances)
                    {
                        InstanceJsonOutput.Write(w, instance);
                    }

                    w.WriteEndArray();
                });
                return;
            }

            var table = new TableWriter(context.Out, "NAME", "DOES", "FORMAT", "LAST USN", "EXPORTED", "IMPORTED", "SOURCE");
            foreach (var instance in instances)
            {
                var state = instance.State;
                table.Row(
                    instance.Name,
                    InstanceJson.DirectionToken(instance.Settings.Direction),
                    InstanceJson.FormatToken(instance.Settings.Format),
                    state.LastUsn.ToString(CultureInfo.InvariantCulture),
                    state.LastSequence == 0 ? "-" : $"#{state.LastSequence}",
                    state.LastImportedSequence == 0 ? "-" : $"#{state.LastImportedSequence}",
                    state.SourceName ?? "-");
            }

            table.Finish();
        });
        return command;
    }

    private static Command Show(CliIo io)
    {
        var name = new Argument<string>("name") { Description = "The instance" };
        var json = GlobalOptions.Json();
        var command = new Command("show", "Show an instance's settings and state (the original's /DISPLAY)") { name, json };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var instance = await new InstanceAdmin(store).GetAsync(context.ParseResult.GetRequiredValue(name), cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w => InstanceJsonOutput.Write(w, instance));
                return;
            }

            var s = instance.Settings;
            var t = instance.State;
            void Line(string label, object? value) => context.Out.WriteLine($"{label + ":",-22}{value ?? "-"}");
            Line("Instance", instance.Name);
            Line("Does", InstanceJson.DirectionToken(s.Direction));
            Line("Export file", s.ExportFile);
            Line("Import file", s.ImportFile);
            Line("Format", InstanceJson.FormatToken(s.Format));
            Line("Containers", string.Join(", ", s.Containers) + (s.IncludeSubcontainers ? " (and below)" : ""));
            Line("Classes", string.Join(", ", s.Classes.Select(c => c.ToToken())));
            Line("Export list", s.ExportAttributes.Count == 0 ? "(names and addresses only)" : string.Join(", ", s.ExportAttributes));
            Line("Address type", s.AddressType);
            Line("Target container", s.TargetContainer);
            Line("Imports create", s.ImportObjectClass == ObjectClass.Mailbox ? "mailboxes" : "custom recipients");
            Line("MV append", s.MultiValueAppend ? "yes" : "no");
            Line("Relay", s.Relay ? "yes: imported recipients are exported too" : "no");
            Line("Delete limit", s.DeleteLimit?.ToString(CultureInfo.InvariantCulture) ?? "default (500, or 10% of what the source owns; at least 10)");
            if (s.Directory is { } d)
            {
                Line("Directory", d.Url);
                Line("Base DN", d.BaseDn);
                Line("Bind DN", d.BindDn ?? "(anonymous)");
                Line("Password file", d.PasswordFile);
                Line("Filter", d.Filter ?? "default (people with a mail address)");
                Line("TLS CA", d.TlsCa ?? "the system's");
                Line("Directory id", t.DirectoryIdentity);
            }
            else if (s.LdifBaseDn is not null || s.LdifInetOrgPerson)
            {
                Line("LDIF base DN", s.LdifBaseDn);
                Line("LDIF entries", s.LdifInetOrgPerson ? "inetOrgPerson (stock OpenLDAP schema)" : "DirSync's");
            }

            Line("Last USN", t.LastUsn);
            Line("Last sequence", t.LastSequence);
            Line("Next export", t.FullExportRequired is null ? null : $"full ({t.FullExportRequired})");
            Line("Watermark store", t.WatermarkIdentity);
            Line("Last export", t.LastExport?.ToString("u", CultureInfo.InvariantCulture));
            Line("Source", t.SourceName is null ? null : $"{t.SourceName} ({t.SourceInstance}, store {t.SourceIdentity})");
            Line("Last imported", t.LastImportedSequence);
            Line("Last import", t.LastImport?.ToString("u", CultureInfo.InvariantCulture));
        });
        return command;
    }

    private static Command Remove(CliIo io)
    {
        var name = new Argument<string>("name") { Description = "The instance" };
        var command = new Command("remove", "Remove an instance and its state (recipients it imported stay)") { name };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var value = context.ParseResult.GetRequiredValue(name);
            await new InstanceAdmin(store).RemoveAsync(value, cancellationToken);
            context.Out.WriteLine($"Removed instance {value}");
        });
        return command;
    }

    private static string Summary(Instance instance)
    {
        var s = instance.Settings;
        var parts = new List<string>();
        if (s.Direction.HasFlag(InstanceDirection.Export))
        {
            parts.Add(s.Directory is { } d
                ? $"exports {string.Join(", ", s.Containers)} to {d.Url} under {d.BaseDn}"
                : $"exports {string.Join(", ", s.Containers)} to {s.ExportFile} ({InstanceJson.FormatToken(s.Format)})");
        }

        if (s.Direction.HasFlag(InstanceDirection.Import))
        {
            parts.Add(s.Directory is { } d
                ? $"imports {d.Url} ({d.BaseDn}) into {s.TargetContainer}"
                : $"imports {s.ImportFile} into {s.TargetContainer}");
        }

        return string.Join("; ", parts);
    }

    private static List<string>? SplitList(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static bool? Flag(ParseResult result, Option<bool?> option) =>
        result.GetResult(option) is null ? null : result.GetValue(option) ?? true;
}

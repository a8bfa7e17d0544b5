using System.CommandLine;
using DirSync.Core.Model;

namespace DirSync.Cli.Commands.Schema;

/// <summary><c>dirsync attributes</c>: the schema, in both spellings.</summary>
internal static class AttributesCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("attributes", "List every attribute with its Exchange and LDAP spelling");
        command.SetAction(io, (context, _) =>
        {
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var attribute in AttributeCatalog.All)
                    {
                        w.WriteStartObject();
                        w.WriteString("exchangeName", attribute.ExchangeName);
                        w.WriteString("ldapName", attribute.LdapName);
                        w.WriteBoolean("multiValued", attribute.IsMultiValued);
                        w.WriteBoolean("writable", attribute.IsWritable);
                        w.WriteNumber("maxLength", attribute.MaxLength);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return Task.CompletedTask;
            }

            var table = new Output.TableWriter(context.Out, "EXCHANGE NAME", "LDAP NAME", "VALUES", "SET BY");
            foreach (var attribute in AttributeCatalog.All)
            {
                table.Row(attribute.ExchangeName, attribute.LdapName, attribute.IsMultiValued ? "many" : "one", attribute.IsWritable ? "you" : "directory");
            }

            table.Finish();
            return Task.CompletedTask;
        });
        return command;
    }
}

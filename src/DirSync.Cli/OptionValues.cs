using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DirSync.Core;

namespace DirSync.Cli;

/// <summary>
/// Options whose values have a kind (a whole number in a range, days, true or false): each reads its own text and
/// names what it wants in words, so that a bad value is one usage error (exit 2), never a .NET type name or a throw.
/// </summary>
internal static class OptionValues
{
    // A value echoed in an error is cut, so a pasted file does not become the message.
    private const int EchoLength = 40;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; absent, <paramref name="fallback"/>.</summary>
    public static Option<int> Whole(string name, int min, int max, int fallback, string unit, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => (int)ParseWhole(result, name, min, max, fallback, unit),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null when the option is absent.</summary>
    public static Option<int?> OptionalWhole(string name, int min, int max, string unit, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => (int?)ParseWhole(result, name, min, max, 0, unit),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> (long), or null when the option is absent.</summary>
    public static Option<long?> OptionalLong(string name, long min, long max, string unit, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => ParseWhole(result, name, min, max, 0, unit),
    };

    /// <summary>A decimal number from <paramref name="min"/> to <paramref name="max"/>, written with a '.'.</summary>
    public static Option<double> Decimal(string name, double min, double max, double fallback, string unit, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return fallback;
            }

            var text = result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value >= min && value <= max)
            {
                return value;
            }

            result.AddError($"{name} must be a number of {unit} from {Format(min)} to {Format(max)} (such as 0.5), not {Echo(text)}");
            return fallback;
        },
    };

    /// <summary>An optional true or false: absent is null, the bare option is true.</summary>
    public static Option<bool?> Flag(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return true;
            }

            var text = result.Tokens[0].Value;
            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name} takes true or false, not {Echo(text)}");
            return null;
        },
    };

    /// <summary>A text option whose value Core reads with <paramref name="parse"/>; what it refuses is a usage error with Core's words.</summary>
    public static Option<string?> Checked(string name, string helpName, string description, Action<string> parse) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            var text = result.Tokens[0].Value;
            try
            {
                parse(text);
            }
            catch (DirSyncException e)
            {
                result.AddError(e.Message);
            }

            return text;
        },
    };

    /// <summary>An argument whose value Core reads with <paramref name="parse"/>; what it refuses is a usage error with Core's words.</summary>
    public static Argument<string> CheckedArgument(string name, string description, Action<string> parse) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                // Only an optional argument can be absent; GetValue then gives null, as it would without a parser.
                return null!;
            }

            var text = result.Tokens[0].Value;
            try
            {
                parse(text);
            }
            catch (DirSyncException e)
            {
                result.AddError(e.Message);
            }

            return text;
        },
    };

    /// <summary>The Dir-Sync event a schedule or kick names: T1, T2 or T3.</summary>
    public static Argument<string> Event() => CheckedArgument(
        "event",
        "T1 (requestor send), T2 (server receive and send) or T3 (requestor receive, import and GAL rebuild)",
        text => Core.Scheduling.Schedule.ParseEvent(text));

    /// <summary>A value as an error quotes it: in quotes, cut to a readable length.</summary>
    public static string Echo(string text) =>
        "'" + (text.Length <= EchoLength ? text : string.Concat(text.AsSpan(0, EchoLength), "…")) + "'";

    private static long ParseWhole(ArgumentResult result, string name, long min, long max, long fallback, string unit)
    {
        if (result.Tokens.Count == 0)
        {
            return fallback;
        }

        var text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{name} must be a whole number of {unit} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not {Echo(text)}");
        return fallback;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

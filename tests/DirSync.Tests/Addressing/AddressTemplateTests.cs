using DirSync.Core;
using DirSync.Core.Addressing;
using DirSync.Core.Model;
using Xunit;

namespace DirSync.Tests.Addressing;

public sealed class AddressTemplateTests
{
    private const string ValidTokens =
        "; valid tokens are %g (given name), %s (surname), %d (display name), %m (alias), %i (initials), %% (a literal %), "
        + "%rXY (replace X by Y in what follows; X = Y deletes X), with an optional length digit 1-9 as in %1g";

    private static readonly RecipientNames Doug = new("dougd", "Doug", "Dosdall", "Doug Dosdall", "DD");

    private static string? Expand(string type, string text, RecipientNames names) => AddressTemplate.Parse(type, text).Expand(names);

    private static RecipientNames Given(string? given, string? surname = null) => new("alias", given, surname, null, null);

    [Theory]
    [InlineData("%g@x.com", "Doug@x.com")]
    [InlineData("%s@x.com", "Dosdall@x.com")]
    [InlineData("%d@x.com", "DougDosdall@x.com")]
    [InlineData("%m@x.com", "dougd@x.com")]
    [InlineData("%i@x.com", "DD@x.com")]
    [InlineData("%g%%%s@x.com", "Doug%Dosdall@x.com")]
    [InlineData("%%%m@x.com", "%dougd@x.com")]
    [InlineData("%g.%s@x.com", "Doug.Dosdall@x.com")]
    [InlineData("mail-%m@x.com", "mail-dougd@x.com")]
    public void Expand_EachToken_SubstitutesItsValue(string text, string expected) =>
        Assert.Equal(expected, Expand("SMTP", text, Doug));

    [Theory]
    [InlineData("%G@x.com", "Doug@x.com")]
    [InlineData("%S@x.com", "Dosdall@x.com")]
    [InlineData("%D@x.com", "DougDosdall@x.com")]
    [InlineData("%M@x.com", "dougd@x.com")]
    [InlineData("%I@x.com", "DD@x.com")]
    [InlineData("%1G%3S@x.com", "DDos@x.com")]
    [InlineData("%R-_%g@x.com", "Doug@x.com")]
    public void Expand_UpperCaseTokenLetter_ActsAsLowerCase(string text, string expected) =>
        Assert.Equal(expected, Expand("SMTP", text, Doug));

    public static TheoryData<string, string> LengthCases()
    {
        var names = new RecipientNames("bfitzgerald", "Bartholomew", "Fitzgerald", "Bart Fitzgerald", "ABCDEFGHIJK");
        var values = new Dictionary<char, string>
        {
            ['g'] = "Bartholomew",
            ['s'] = "Fitzgerald",
            ['d'] = "BartFitzgerald",
            ['m'] = "bfitzgerald",
            ['i'] = "ABCDEFGHIJK",
        };
        var data = new TheoryData<string, string>();
        foreach (var (letter, value) in values)
        {
            for (var digit = 1; digit <= 9; digit++)
            {
                data.Add($"%{digit}{letter}@x.com", value[..digit] + "@x.com");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LengthCases))]
    public void Expand_LengthDigit_KeepsThatManyCharacters(string text, string expected)
    {
        var names = new RecipientNames("bfitzgerald", "Bartholomew", "Fitzgerald", "Bart Fitzgerald", "ABCDEFGHIJK");
        Assert.Equal(expected, Expand("SMTP", text, names));
    }

    [Theory]
    [InlineData("%9g@x.com", "Doug@x.com")]
    [InlineData("%1g%s@x.com", "DDosdall@x.com")]
    [InlineData("%1g.%1s@x.com", "D.D@x.com")]
    public void Expand_LengthDigitLongerThanValue_KeepsWholeValue(string text, string expected) =>
        Assert.Equal(expected, Expand("SMTP", text, Doug));

    [Fact]
    public void Expand_LengthDigit_CountsCharactersAfterCleaning() =>
        Assert.Equal("MA@x.com", Expand("SMTP", "%2g@x.com", Given(" M Ann")));

    [Fact]
    public void Expand_Replace_ReplacesInFollowingValues() =>
        Assert.Equal("Mary_Ann@x.com", Expand("SMTP", "%r-_%g@x.com", Given("Mary-Ann")));

    [Fact]
    public void Expand_ReplaceSameCharacter_DeletesIt() =>
        Assert.Equal("MaryAnn@x.com", Expand("SMTP", "%r--%g@x.com", Given("Mary-Ann")));

    [Fact]
    public void Expand_Replace_AppliesOnlyAfterItself() =>
        Assert.Equal("Mary-Ann.Smith_Jones@x.com", Expand("SMTP", "%g.%r-_%s@x.com", Given("Mary-Ann", "Smith-Jones")));

    [Fact]
    public void Expand_SeveralReplaces_Accumulate() =>
        Assert.Equal("Mary_Ann.OBrien_Smith@x.com", Expand("SMTP", "%r-_%r''%g.%s@x.com", Given("Mary-Ann", "O'Brien-Smith")));

    [Fact]
    public void Expand_SeveralReplaces_ApplyInOrder() =>
        Assert.Equal("Mary.Ann@x.com", Expand("SMTP", "%r-_%r_.%g@x.com", Given("Mary-Ann")));

    [Fact]
    public void Expand_Replace_LeavesLiteralTextAlone() =>
        Assert.Equal("J-R.Smith@x.com", Expand("SMTP", "%r.-%g.%s@x.com", Given("J.R", "Smith")));

    [Fact]
    public void Expand_ReplaceSpace_RunsBeforeIllegalCharactersAreDropped() =>
        Assert.Equal("Doug_Dosdall@x.com", Expand("SMTP", "%r _%d@x.com", Doug));

    [Fact]
    public void Expand_SeedExample_MakesDougDosdall()
    {
        var template = AddressTemplate.Parse("EDK", "%g.%s@wspu.microsoft.com");
        var address = new ProxyAddress(template.AddressType, template.Expand(new RecipientNames("DougD", "Doug", "Dosdall", "Doug Dosdall", null))!, isPrimary: true);

        Assert.Equal("EDK:Doug.Dosdall@wspu.microsoft.com", address.ToString());
    }

    [Theory]
    [InlineData("SMTP", "D'Arcy", "D'Arcy@x.com")]
    [InlineData("SMTP", "Anne Marie", "AnneMarie@x.com")]
    [InlineData("SMTP", "John (Jack)", "JohnJack@x.com")]
    [InlineData("SMTP", "a\"b,c;d:e<f>g[h]i\\j@k", "abcdefghijk@x.com")]
    [InlineData("SMTP", "x!#$%&'*+-/=?^_`{|}~y", "x!#$%&'*+-/=?^_`{|}~y@x.com")]
    [InlineData("EDK", "Anne Marie", "AnneMarie@x.com")]
    [InlineData("EDK", "John (Jack)", "JohnJack@x.com")]
    public void Expand_SmtpShapedType_DropsIllegalCharacters(string type, string given, string expected) =>
        Assert.Equal(expected, Expand(type, "%g@x.com", Given(given)));

    [Theory]
    [InlineData("%m", "doug-d.2", "DOUGD2")]
    [InlineData("TESTORG/SITE1/%m", "Doug_D", "TESTORG/SITE1/DOUGD")]
    [InlineData("ORG/PO/%g%s", "x", "ORG/PO/JOSEOBRIEN")]
    [InlineData("%m", "DOUGD2", "DOUGD2")]
    [InlineData("%m", "2024", "2024")]
    [InlineData("%m", "DOUGd", "DOUGD")]
    [InlineData("%m", "DOUG.", "DOUG")]
    public void Expand_MsMail_KeepsUpperCaseLettersAndDigits(string text, string alias, string expected) =>
        Assert.Equal(expected, Expand("MS", text, new RecipientNames(alias, "José", "O'Brien", null, null)));

    [Fact]
    public void Expand_OtherType_DropsWhiteSpaceControlAndNonAscii()
    {
        var names = new RecipientNames("alias", "Åsa\t李", "Van Dyke", null, null);

        Assert.Equal("c=US;a= ;p=Org;o=Site;s=VanDyke;g=Asa;", Expand("X400", "c=US;a= ;p=Org;o=Site;s=%s;g=%g;", names));
    }

    [Fact]
    public void Expand_OtherType_KeepsPrintablePunctuation() =>
        Assert.Equal("FAX:+1(555)0100", Expand("FAX", "FAX:%g", Given("+1 (555)\u00a00100")));

    [Theory]
    [InlineData("José Müller", "JoseMuller")]
    [InlineData("Straße", "Strasse")]
    [InlineData("Ænne æble", "AEnneaeble")]
    [InlineData("Søren Øst", "SorenOst")]
    [InlineData("Cœur Œuvre", "CoeurOEuvre")]
    [InlineData("Đorđe", "Dorde")]
    [InlineData("Łukasz Michał", "LukaszMichal")]
    [InlineData("Þór þorn", "Thorthorn")]
    [InlineData("Ångström Çelik Ñoño", "AngstromCelikNono")]
    [InlineData("ǅemal ﬁona", "Dzemalfiona")]
    public void Expand_Diacritics_FoldToPlainLetters(string display, string expected)
    {
        var names = new RecipientNames("alias", null, null, display, null);

        Assert.Equal(expected + "@x.com", Expand("SMTP", "%d@x.com", names));
    }

    [Theory]
    [InlineData(null, "Smith", "Smith@x.com")]
    [InlineData("Doug", null, "Doug@x.com")]
    [InlineData(".Doug.", "..Smith", "Doug.Smith@x.com")]
    [InlineData("J..R", "Smith", "J.R.Smith@x.com")]
    public void Expand_SmtpDots_CollapsedAndTrimmed(string? given, string? surname, string expected) =>
        Assert.Equal(expected, Expand("SMTP", "%g.%s@x.com", Given(given, surname)));

    [Fact]
    public void Expand_LiteralDoubleDot_Collapsed() =>
        Assert.Equal("Doug.Dosdall@x.com", Expand("SMTP", "%g..%s@x.com", Doug));

    [Fact]
    public void Expand_LongLocalPart_TruncatedTo64()
    {
        var alias = new string('a', 70);

        Assert.Equal(new string('a', 64) + "@x.com", Expand("SMTP", "%m@x.com", new RecipientNames(alias, null, null, null, null)));
    }

    [Fact]
    public void Expand_LongLocalPart_ShortensNamesAndKeepsLiteralDigits()
    {
        var alias = new string('a', 64);
        var template = AddressTemplate.Parse("SMTP", "%m@x.com").WithAliasFallback(2);

        Assert.Equal(new string('a', 63) + "2@x.com", template.Expand(new RecipientNames(alias, null, null, null, null)));
    }

    [Theory]
    [InlineData("SMTP", "%g@x.com", null, null)]
    [InlineData("SMTP", "%g@x.com", "", null)]
    [InlineData("SMTP", "%g.%s@x.com", null, null)]
    [InlineData("SMTP", "%g@x.com", "(<>)", null)]
    [InlineData("SMTP", "%i@x.com", null, "..")]
    [InlineData("MS", "ORG/PO/%g", "---", null)]
    [InlineData("X400", "c=US;s=%s;g=%g;", null, null)]
    public void Expand_NothingUsable_ReturnsNull(string type, string text, string? given, string? initials) =>
        Assert.Null(AddressTemplate.Parse(type, text).Expand(new RecipientNames("alias", given, null, null, initials)));

    [Fact]
    public void Default_SeedStore_MakesMailbox11Address()
    {
        var store = new StoreInfo(Guid.NewGuid(), "Testorg", "Site1", "Server1", DateTimeOffset.UnixEpoch);
        var template = AddressTemplate.Default("smtp", store);

        Assert.Equal("SMTP", template.AddressType);
        Assert.Equal("%m@Site1.Testorg.com", template.Text);
        Assert.Equal("Mailbox11@Site1.Testorg.com", template.Expand(new RecipientNames("Mailbox11", null, null, "Mailbox 11", null)));
    }

    [Theory]
    [InlineData("Site 1", "Test Org", "%m@Site1.TestOrg.com")]
    [InlineData("Zürich_HQ", "Tést", "%m@ZurichHQ.Test.com")]
    [InlineData(".Site..A.", "Org", "%m@Site.A.Org.com")]
    [InlineData("   ", "Org", "%m@Org.com")]
    public void Default_IllegalDomainCharacters_Dropped(string site, string organization, string expected)
    {
        var store = new StoreInfo(Guid.NewGuid(), organization, site, "Server1", DateTimeOffset.UnixEpoch);

        Assert.Equal(expected, AddressTemplate.Default("EDK", store).Text);
    }

    [Fact]
    public void Default_MsMail_UsesOrgSiteMailboxShape()
    {
        var store = new StoreInfo(Guid.NewGuid(), "Testorg", "Site 1", "Server1", DateTimeOffset.UnixEpoch);

        Assert.Equal("TESTORG/SITE1/%m", AddressTemplate.Default("MS", store).Text);
    }

    [Fact]
    public void Parse_ValidTemplate_KeepsTypeTextAndFields()
    {
        var template = AddressTemplate.Parse("smtp", "%r-_%1g%S.%m@Example.com");

        Assert.Equal("SMTP", template.AddressType);
        Assert.Equal("%r-_%1g%S.%m@Example.com", template.Text);
        Assert.Equal(TemplateFields.GivenName | TemplateFields.Surname | TemplateFields.Alias, template.Fields);
        Assert.Equal("SMTP:%r-_%1g%S.%m@Example.com", template.ToString());
    }

    [Theory]
    [InlineData("%d@x.com", TemplateFields.DisplayName)]
    [InlineData("%i%m@x.com", TemplateFields.Initials | TemplateFields.Alias)]
    [InlineData("%g.%g@x.com", TemplateFields.GivenName)]
    public void Parse_Fields_NamesTheFieldsUsed(string text, TemplateFields expected) =>
        Assert.Equal(expected, AddressTemplate.Parse("SMTP", text).Fields);

    [Fact]
    public void Parse_UnknownToken_NamesTokenPositionAndValidTokens()
    {
        var error = Assert.Throws<InvalidValueException>(() => AddressTemplate.Parse("SMTP", "%q@x.com"));

        Assert.Equal(
            "invalid template '%q@x.com' for SMTP: unknown token '%q' at position 1; valid tokens are %g (given name), %s (surname), "
            + "%d (display name), %m (alias), %i (initials), %% (a literal %), %rXY (replace X by Y in what follows; X = Y deletes X), "
            + "with an optional length digit 1-9 as in %1g",
            error.Message);
    }

    [Theory]
    [InlineData("%g.%x@x.com", "unknown token '%x' at position 4")]
    [InlineData("%12g@x.com", "unknown token '%12' at position 1")]
    [InlineData("%g@x.com%", "'%' at position 9 ends the template without a token")]
    [InlineData("%0g@x.com", "'%0g' at position 1 has length 0; a length digit is 1-9")]
    [InlineData("%g%0", "'%0' at position 3 has length 0; a length digit is 1-9")]
    [InlineData("%g%3", "'%3' at position 3 ends the template without a field letter")]
    [InlineData("%3r-_%g@x.com", "'%3r' at position 1 has a length digit, which only %g, %s, %d, %m and %i take")]
    [InlineData("%g@x.com%r", "'%r' at position 9 needs two characters after %r: the character to replace and its replacement")]
    [InlineData("%g@x.com%r-", "'%r-' at position 9 needs two characters after %r: the character to replace and its replacement")]
    public void Parse_BadToken_NamesTokenAndPosition(string text, string reason)
    {
        var error = Assert.Throws<InvalidValueException>(() => AddressTemplate.Parse("SMTP", text));

        Assert.Equal($"invalid template '{text}' for SMTP: {reason}{ValidTokens}", error.Message);
    }

    [Theory]
    [InlineData("SMTP", "info@x.com", "the template has no field token (%g, %s, %d, %m or %i), so every recipient would get the same address")]
    [InlineData("SMTP", "%%%r-_@x.com", "the template has no field token (%g, %s, %d, %m or %i), so every recipient would get the same address")]
    [InlineData("X400", "c=US;s=Smith;", "the template has no field token (%g, %s, %d, %m or %i), so every recipient would get the same address")]
    [InlineData("SMTP", "%g.%s", "the template needs '@' followed by a literal domain, as in %g.%s@example.com")]
    [InlineData("EDK", "%m", "the template needs '@' followed by a literal domain, as in %g.%s@example.com")]
    [InlineData("SMTP", "%g@%s.com", "token '%s' at position 4 is in the domain; the domain after '@' must be literal text")]
    [InlineData("SMTP", "%g@x%%.com", "token '%%' at position 5 is in the domain; the domain after '@' must be literal text")]
    [InlineData("SMTP", "%g@", "the domain after '@' is empty")]
    [InlineData("SMTP", "%g@ex_ample.com", "character '_' at position 6 is not allowed in a domain; use letters, digits, '-' and '.'")]
    [InlineData("SMTP", "%g@exämple.com", "character 'ä' at position 6 is not allowed in a domain; use letters, digits, '-' and '.'")]
    [InlineData("SMTP", "%g@example..com", "the domain 'example..com' has an empty label; it may not start or end with '.' or hold '..'")]
    [InlineData("SMTP", "%g@.example.com", "the domain '.example.com' has an empty label; it may not start or end with '.' or hold '..'")]
    [InlineData("SMTP", "%g@example.com.", "the domain 'example.com.' has an empty label; it may not start or end with '.' or hold '..'")]
    [InlineData("SMTP", "%g@a@b.com", "a second '@' at position 5; an address has exactly one")]
    [InlineData("SMTP", "%g %s@x.com", "character ' ' at position 3 is not allowed in SMTP addresses; use letters, digits and !#$%&'*+-/=?^_`{|}~. before the '@'")]
    [InlineData("SMTP", "%g(%s)@x.com", "character '(' at position 3 is not allowed in SMTP addresses; use letters, digits and !#$%&'*+-/=?^_`{|}~. before the '@'")]
    [InlineData("MS", "ORG/PO/%m@x", "character '@' at position 10 is not allowed in MS addresses; use letters, digits and '/'")]
    [InlineData("MS", "ORG/%%%m", "character '%' at position 5 is not allowed in MS addresses; use letters, digits and '/'")]
    [InlineData("X400", "s=%s;\tg=%g;", "character U+0009 at position 6 is not allowed in X400 addresses; use printable ASCII characters")]
    [InlineData("FAX", "%m@bad_domain", "character '_' at position 7 is not allowed in a domain; use letters, digits, '-' and '.'")]
    [InlineData("SMTP", "", "a template cannot be empty")]
    public void Parse_BadTemplate_SaysWhy(string type, string text, string reason)
    {
        var error = Assert.Throws<InvalidValueException>(() => AddressTemplate.Parse(type, text));

        Assert.Equal($"invalid template '{text}' for {type}: {reason}", error.Message);
    }

    [Fact]
    public void Parse_BadAddressType_SaysWhy()
    {
        var error = Assert.Throws<InvalidValueException>(() => AddressTemplate.Parse("SM TP", "%m@x.com"));

        Assert.Equal("invalid template '%m@x.com' for SM TP: 'SM TP' is not an address type (1 to 16 letters, digits, '-' or '_')", error.Message);
    }

    [Fact]
    public void Parse_TemplateLongerThanAnAddress_Fails()
    {
        var text = "%m@" + string.Join('.', Enumerable.Repeat(new string('a', 60), 17));

        var error = Assert.Throws<InvalidValueException>(() => AddressTemplate.Parse("SMTP", text));

        Assert.EndsWith(": a template is at most 1024 characters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X400", "c=US;a= ;p=Org;o=Site;s=%s;g=%g;")]
    [InlineData("FAX", "%m")]
    [InlineData("NOTES", "%g %s/Org@Domain")]
    [InlineData("MS", "TESTORG/SITE1/%m")]
    public void Parse_OtherTypes_AcceptTheirShapes(string type, string text) =>
        Assert.Equal(text, AddressTemplate.Parse(type, text).Text);

    [Fact]
    public void TryParse_BadTemplate_ReturnsParseMessage()
    {
        var ok = AddressTemplate.TryParse("SMTP", "%q@x.com", out var template, out var error);

        Assert.False(ok);
        Assert.Null(template);
        Assert.Equal($"invalid template '%q@x.com' for SMTP: unknown token '%q' at position 1{ValidTokens}", error);
    }

    [Fact]
    public void TryParse_GoodTemplate_ReturnsTemplate()
    {
        var ok = AddressTemplate.TryParse("edk", "%g.%s@wspu.microsoft.com", out var template, out var error);

        Assert.True(ok);
        Assert.Null(error);
        Assert.Equal("EDK:%g.%s@wspu.microsoft.com", template!.ToString());
    }

    [Theory]
    [InlineData("%g.%s@wspu.microsoft.com", 1, "%m@wspu.microsoft.com")]
    [InlineData("%g.%s@wspu.microsoft.com", 2, "%m2@wspu.microsoft.com")]
    [InlineData("%g.%s@wspu.microsoft.com", 3, "%m3@wspu.microsoft.com")]
    [InlineData("%g.%s@wspu.microsoft.com", 9999, "%m9999@wspu.microsoft.com")]
    [InlineData("%m@x.com", 1, "%m@x.com")]
    [InlineData("mail.%1g%s@x.com", 2, "mail.%m2@x.com")]
    [InlineData("%r-_%g.%s@x.com", 1, "%r-_%m@x.com")]
    [InlineData("%g.%r-_%r''%s@x.com", 2, "%r-_%r''%m2@x.com")]
    [InlineData("%%%g%%%s%%@x.com", 1, "%%%m%%@x.com")]
    [InlineData("c=US;a= ;p=Org;o=Site;s=%s;g=%g;", 1, "c=US;a= ;p=Org;o=Site;s=%m;")]
    [InlineData("c=US;a= ;p=Org;o=Site;s=%s;g=%g;", 2, "c=US;a= ;p=Org;o=Site;s=%m2;")]
    [InlineData("ORG/PO/%1g%7s", 3, "ORG/PO/%m3")]
    public void WithAliasFallback_Attempt_ReplacesTokenSpanByAlias(string text, int attempt, string expected)
    {
        var type = text.StartsWith("c=", StringComparison.Ordinal) ? "X400" : text.StartsWith("ORG/", StringComparison.Ordinal) ? "MS" : "SMTP";

        var fallback = AddressTemplate.Parse(type, text).WithAliasFallback(attempt);

        Assert.Equal(type, fallback.AddressType);
        Assert.Equal(expected, fallback.Text);
        Assert.Equal(TemplateFields.Alias, fallback.Fields);
    }

    [Fact]
    public void WithAliasFallback_KeptReplace_AppliesToAlias() =>
        Assert.Equal(
            "mary_ann2@x.com",
            AddressTemplate.Parse("SMTP", "%r-_%g.%s@x.com").WithAliasFallback(2).Expand(new RecipientNames("mary-ann", "Mary", "Ann", null, null)));

    [Fact]
    public void WithAliasFallback_AttemptZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AddressTemplate.Parse("SMTP", "%m@x.com").WithAliasFallback(0));
}

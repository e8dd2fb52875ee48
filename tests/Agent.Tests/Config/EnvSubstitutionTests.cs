using Agent.Config;

namespace Agent.Tests.Config;

public class EnvSubstitutionTests
{
    private static string? Lookup(string name) => name switch
    {
        "HOST" => "tempo",
        "EMPTY" => string.Empty,
        _ => null,
    };

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("${env:HOST}:4317", "tempo:4317")]
    [InlineData("${env:MISSING:-localhost}:4317", "localhost:4317")]
    [InlineData("${env:EMPTY:-fallback}", "fallback")]
    [InlineData("${env:MISSING}", "")]
    [InlineData("a $$ b", "a $ b")]
    [InlineData("$$${env:HOST}", "$tempo")]
    [InlineData("cost $5", "cost $5")]
    [InlineData("${env:HOST}-${env:MISSING:-x}-${env:HOST}", "tempo-x-tempo")]
    [InlineData("${env:MISSING:-a:-b}", "a:-b")]
    public void Expands_environment_references(string value, string expected)
    {
        Assert.Equal(expected, EnvSubstitution.Expand(value, Lookup, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("${env:HOST", "unclosed")]
    [InlineData("${HOST}", "unsupported reference")]
    [InlineData("${env:BAD-NAME}", "invalid environment variable name")]
    public void Names_what_is_wrong_with_a_reference(string value, string expected)
    {
        EnvSubstitution.Expand(value, Lookup, out string? error);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}

using Agent.Extensions.BearerTokenAuth;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Extensions;

/// <summary>The <c>bearertokenauth</c> extension's server check: scheme and token, a token file read again when it changes.</summary>
public sealed class BearerTokenAuthTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-bearer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("Bearer abc123", true)]
    [InlineData("Bearer abc1234", false)]
    [InlineData("Bearer abc12", false)]
    [InlineData("bearer abc123", false)]
    [InlineData("abc123", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_the_scheme_and_the_token_together_let_a_request_in(string? header, bool expected)
    {
        var auth = new BearerTokenAuthExtension(new BearerTokenAuthOptions { Token = "abc123" }, TimeProvider.System);

        Assert.Equal(expected, auth.Authenticate(header));
        Assert.Equal("Authorization", auth.HeaderName);
    }

    [Fact]
    public void An_empty_scheme_expects_the_token_alone_in_the_configured_header()
    {
        var auth = new BearerTokenAuthExtension(new BearerTokenAuthOptions { Token = "abc123", Scheme = string.Empty, Header = "X-Api-Key" }, TimeProvider.System);

        Assert.True(auth.Authenticate("abc123"));
        Assert.False(auth.Authenticate("Bearer abc123"));
        Assert.Equal("X-Api-Key", auth.HeaderName);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_token_file_is_read_again_when_it_changes()
    {
        string file = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(file, "first-token\n");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var auth = new BearerTokenAuthExtension(new BearerTokenAuthOptions { Filename = file }, time);
        await auth.StartAsync(CancellationToken.None);
        Assert.True(auth.Authenticate("Bearer first-token"));

        await File.WriteAllTextAsync(file, "second-token-longer\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.True(auth.Authenticate("Bearer second-token-longer"));
        Assert.False(auth.Authenticate("Bearer first-token"));
    }

    [Fact]
    public void Options_take_exactly_one_of_token_and_filename_and_never_repeat_the_token()
    {
        var both = new BearerTokenAuthOptions { Token = "do-not-print-me", Filename = Path.Combine(_directory, "missing") };
        var errors = both.Validate().ToList();

        Assert.Contains(errors, e => e.Message == "set exactly one of token and filename");
        Assert.Contains(errors, e => e.Key == "filename");
        Assert.DoesNotContain(errors, e => e.Message.Contains("do-not-print-me", StringComparison.Ordinal));
        Assert.Contains(new BearerTokenAuthOptions().Validate(), e => e.Message == "set exactly one of token and filename");
        Assert.Empty(new BearerTokenAuthOptions { Token = "t" }.Validate());
    }
}

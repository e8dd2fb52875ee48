using Agent.Core.Net;

namespace Agent.Tests.Core.Net;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("7", 7.0)]
    [InlineData("0", 0.0)]
    [InlineData("120", 120.0)]
    [InlineData("Sat, 01 Mar 2025 12:01:30 GMT", 90.0)]
    [InlineData("Saturday, 01-Mar-25 12:00:10 GMT", 10.0)]
    [InlineData("Sat Mar  1 12:00:05 2025", 5.0)]
    [InlineData("Sat, 01 Mar 2025 11:59:00 GMT", 0.0)]
    [InlineData("soon", null)]
    [InlineData("-5", null)]
    [InlineData("1.5", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public async Task Seconds_or_an_http_date_give_the_delay_and_anything_else_none(string? header, double? seconds)
    {
        await Task.Yield();

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, RetryAfter.Parse(header, Now));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_response_without_the_header_names_no_delay()
    {
        await Task.Yield();
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);

        Assert.Null(RetryAfter.Of(response, Now));
        response.Headers.TryAddWithoutValidation("Retry-After", "3");
        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfter.Of(response, Now));
    }
}

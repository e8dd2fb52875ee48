using System.Net.Http.Headers;

namespace Agent.Core.Net;

/// <summary>
/// The <c>Retry-After</c> header (RFC 9110 §10.2.3): a number of seconds, or an HTTP-date to wait until. A date
/// already past means "now"; a value that is neither means the server named no delay.
/// </summary>
public static class RetryAfter
{
    /// <summary>The delay a response asks for, or null when it names none.</summary>
    public static TimeSpan? Of(HttpResponseMessage response, DateTimeOffset now) => Of(response.Headers.RetryAfter, now);

    /// <summary>The delay a parsed header value asks for, or null when there is none.</summary>
    public static TimeSpan? Of(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delay)
        {
            return delay;
        }

        if (header?.Date is { } until)
        {
            var wait = until - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The delay a raw header value asks for, or null when it is missing or malformed.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now) =>
        RetryConditionHeaderValue.TryParse(value, out var header) ? Of(header, now) : null;
}

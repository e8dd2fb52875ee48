using System.Text;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class Rfc3339Tests
{
    public static TheoryData<string, long> Valid => new()
    {
        { "1970-01-01T00:00:00Z", 0 },
        { "2024-01-01T12:00:00.123456789Z", Nanos(2024, 1, 1, 12, 0, 0, 0) + 123_456_789 },
        { "2024-01-01T12:00:00.1Z", Nanos(2024, 1, 1, 12, 0, 0, 0) + 100_000_000 },
        { "2024-01-01T12:00:00.000000001Z", Nanos(2024, 1, 1, 12, 0, 0, 0) + 1 },
        { "2024-01-01T14:00:00.5+02:00", Nanos(2024, 1, 1, 12, 0, 0, 0) + 500_000_000 },
        { "2023-12-31T23:30:00-01:00", Nanos(2024, 1, 1, 0, 30, 0, 0) },
        { "2024-01-01T00:59:59.999999999+01:00", Nanos(2023, 12, 31, 23, 59, 59, 0) + 999_999_999 },
        { "2024-02-29T00:00:00Z", Nanos(2024, 2, 29, 0, 0, 0, 0) },
        { "2000-02-29T00:00:00Z", Nanos(2000, 2, 29, 0, 0, 0, 0) },
        { "1999-12-31T23:59:59.999999999Z", Nanos(1999, 12, 31, 23, 59, 59, 0) + 999_999_999 },
        { "2024-06-30t10:11:12z", Nanos(2024, 6, 30, 10, 11, 12, 0) },
        { "2024-06-30T10:11:12.1234567891234Z", Nanos(2024, 6, 30, 10, 11, 12, 0) + 123_456_789 },

        // The ends of int64 nanoseconds.
        { "2262-04-11T23:47:16.854775807Z", long.MaxValue },
        { "2262-04-12T01:47:16.854775807+02:00", long.MaxValue },
        { "1677-09-21T00:12:43.145224192Z", long.MinValue },
    };

    public static TheoryData<string> Invalid => new()
    {
        string.Empty,
        "2024-01-01",
        "2024-01-01T12:00:00",
        "2024-01-01 12:00:00Z",
        "2024-13-01T12:00:00Z",
        "2023-02-29T12:00:00Z",
        "1900-02-29T12:00:00Z",
        "2024-04-31T12:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T12:60:00Z",
        "2024-01-01T12:00:00.Z",
        "2024-01-01T12:00:00+0200",
        "2024-01-01T12:00:00+02:00x",
        "2024-01-01T12:00:00ZZ",
        "2024-0a-01T12:00:00Z",
        "stdout",

        // Beyond int64 nanoseconds: these wrapped around to times in another century before the fuzz tests found them.
        "2262-04-11T23:47:16.854775808Z",
        "2262-04-11T23:47:17Z",
        "9999-12-31T23:59:59.999999999Z",
        "1677-09-21T00:12:43.145224191Z",
        "0001-01-01T00:00:00Z",
        "0000-03-01T00:00:00-23:59",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_to_nanoseconds_since_the_epoch(string text, long expected)
    {
        Assert.True(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out long nanos));
        Assert.Equal(expected, nanos);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses_what_is_not_a_complete_timestamp(string text)
    {
        Assert.False(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    private static long Nanos(int year, int month, int day, int hour, int minute, int second, int ms) =>
        new DateTimeOffset(year, month, day, hour, minute, second, ms, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
}

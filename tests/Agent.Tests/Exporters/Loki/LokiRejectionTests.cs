using Agent.Exporters.Loki;

namespace Agent.Tests.Exporters.Loki;

/// <summary>Loki's 400 messages, in the shapes its ingester and distributor write them.</summary>
public class LokiRejectionTests
{
    public static TheoryData<string, (int, string)[]?> Messages => new()
    {
        {
            "entry with timestamp 2024-01-01 00:00:00 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2024-01-01T00:00:00Z, oldest acceptable timestamp is: 2024-01-01T01:00:00Z',\n" +
            "entry with timestamp 2024-01-01 00:00:01 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2024-01-01T00:00:01Z, oldest acceptable timestamp is: 2024-01-01T01:00:00Z',\n" +
            "user 'fake', total ignored: 2 out of 5 for stream: {foo=\"bar\"}",
            [(2, "too_far_behind")]
        },
        {
            "entry with timestamp 1970-01-01 00:00:00 +0000 UTC ignored, reason: 'entry out of order' for stream: {foo=\"bar\"},\ntotal ignored: 3 out of 3",
            [(3, "out_of_order")]
        },
        {
            "100 errors like: Max entry size '1' bytes exceeded for stream '{foo=\"bar\"}' while adding an entry with length '10' bytes",
            [(100, "line_too_long")]
        },
        {
            "2 errors like: entry for stream '{a=\"b\"}' has timestamp too old: 2020-01-01T00:00:00Z, oldest acceptable timestamp is: 2024-01-01T00:00:00Z; " +
            "1 errors like: entry for stream '{a=\"b\"}' has timestamp too new: 2030-01-01T00:00:00Z",
            [(2, "too_old"), (1, "too_new")]
        },
        {
            "entry for stream '{a=\"b\"}' has timestamp too old: 2020-01-01T00:00:00Z, oldest acceptable timestamp is: 2024-01-01T00:00:00Z",
            [(1, "too_old")]
        },
        {
            "stream '{a=\"b\"}' has structured metadata too large: '70000' bytes, limit: '65536' bytes.",
            [(1, "structured_metadata")]
        },
        { "Error parsing labels '{ab\"' with error: 1:4: parse error: unterminated quoted string", null },
        {
            "1 errors like: Error parsing labels '{ab\"' with error: parse error; 10 errors like: Max entry size '1' bytes exceeded for stream '{foo=\"bar\"}' while adding an entry with length '10' bytes",
            null
        },
        { "Maximum active stream limit exceeded when trying to create stream {a=\"b\"}, reduce the number of active streams", null },
        { "something broke", null },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Counts_and_reasons_are_read_from_the_message(string message, (int, string)[]? expected)
    {
        var refusals = LokiRejection.Parse(message);

        if (expected is null)
        {
            Assert.Null(refusals);
        }
        else
        {
            Assert.Equal(expected, refusals);
        }
    }

    [Theory]
    [InlineData("Per stream rate limit exceeded (limit: 3MB/sec) while attempting to ingest for stream '{a=\"b\"}'", "rate_limited")]
    [InlineData("stream '{a=\"b\"}' has label value too long: 'xxxx'", "invalid_labels")]
    [InlineData("Maximum active stream limit exceeded when trying to create stream", "stream_limit")]
    [InlineData("who knows", "other")]
    public void Reasons_name_the_kind_of_refusal(string message, string reason) =>
        Assert.Equal(reason, LokiRejection.Reason(message));
}

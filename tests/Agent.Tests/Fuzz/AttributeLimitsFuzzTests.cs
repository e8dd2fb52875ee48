using System.Collections;
using System.Text;
using Agent.Receivers.Otlp;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The receiver's attribute limits on random requests of every signal and random limits: no collection keeps more
/// attributes than the count, no string more characters than the length (nor bytes more bytes), what stays is the
/// start of what came (so valid UTF-8 stays valid: no character is split), and the tally matches what went.
/// </summary>
public class AttributeLimitsFuzzTests
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    private static readonly Gen<OtlpLimitsOptions> Limits = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 6])
        .Select((count, length) => new OtlpLimitsOptions { MaxAttributes = count, MaxAttributeValueLength = length });

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Traces_stay_within_the_limits() =>
        Fuzzing.RunAsync(Gen.Select(OtlpRequests.Traces, Limits), (request, limits) => Holds(request, limits, OtlpAttributeLimits.Apply), Fuzzing.Costly);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Metrics_stay_within_the_limits() =>
        Fuzzing.RunAsync(Gen.Select(OtlpRequests.Metrics, Limits), (request, limits) => Holds(request, limits, OtlpAttributeLimits.Apply), Fuzzing.Costly);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Logs_stay_within_the_limits() =>
        Fuzzing.RunAsync(Gen.Select(OtlpRequests.Logs, Limits), (request, limits) => Holds(request, limits, OtlpAttributeLimits.Apply), Fuzzing.Costly);

    /// <summary>Applies the limits to a copy of <paramref name="sent"/> and compares it, collection by collection, with what was sent.</summary>
    private static void Holds<TRequest>(TRequest sent, OtlpLimitsOptions limits, Func<TRequest, OtlpLimitsOptions, AttributeLimiter> apply)
        where TRequest : IMessage<TRequest>
    {
        var original = sent.Clone();
        var limited = sent.Clone();
        var tally = apply(limited, limits);

        var before = Collections(sent);
        var after = Collections(limited);
        Assert.Equal(before.Count, after.Count);
        int dropped = 0;
        int truncated = 0;
        for (int i = 0; i < before.Count; i++)
        {
            int expected = limits.MaxAttributes == 0 ? before[i].Count : Math.Min(before[i].Count, limits.MaxAttributes);
            Assert.Equal(expected, after[i].Count);
            dropped += before[i].Count - after[i].Count;
            bool changed = before[i].Count != after[i].Count;
            for (int a = 0; a < after[i].Count; a++)
            {
                Assert.Equal(before[i][a].Key, after[i][a].Key);
                bool cut = false;
                Compare(before[i][a].Value, after[i][a].Value, limits.MaxAttributeValueLength, ref cut);
                truncated += cut ? 1 : 0;
                changed |= cut;
            }

            // The read-only check (the pass-through's) says "would change" exactly when limiting changed something.
            var probe = new AttributeLimiter(limits.MaxAttributes, limits.MaxAttributeValueLength);
            Assert.Equal(changed, probe.WouldChange([.. before[i]]));
        }

        // And it only read: what was sent is as it was.
        Assert.Equal(original, sent);

        Assert.Equal(dropped, tally.Dropped);
        Assert.Equal(truncated, tally.Truncated);

        // What goes on is still a message any decoder takes without repairs.
        Assert.True(limited.Equals(limited.Descriptor.Parser.ParseFrom(limited.ToByteArray())));
    }

    private static void Compare(AnyValue? before, AnyValue? after, int max, ref bool cut)
    {
        if (before is null || after is null)
        {
            Assert.Equal(before, after);
            return;
        }

        Assert.Equal(before.ValueCase, after.ValueCase);
        switch (before.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                string text = after.StringValue;
                Assert.StartsWith(text, before.StringValue, StringComparison.Ordinal);
                int characters = text.EnumerateRunes().Count();
                Assert.True(max == 0 || characters <= max, $"{characters} characters kept of at most {max}");
                Assert.Equal(text, StrictUtf8.GetString(StrictUtf8.GetBytes(text)));
                Assert.True(text == before.StringValue || characters == max);
                cut |= text != before.StringValue;
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                Assert.True(before.BytesValue.Span.StartsWith(after.BytesValue.Span));
                Assert.True(max == 0 ? after.BytesValue == before.BytesValue : after.BytesValue.Length == Math.Min(max, before.BytesValue.Length));
                cut |= after.BytesValue.Length != before.BytesValue.Length;
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                Assert.Equal(before.ArrayValue.Values.Count, after.ArrayValue.Values.Count);
                for (int i = 0; i < before.ArrayValue.Values.Count; i++)
                {
                    Compare(before.ArrayValue.Values[i], after.ArrayValue.Values[i], max, ref cut);
                }

                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                Assert.Equal(before.KvlistValue.Values.Select(e => e.Key), after.KvlistValue.Values.Select(e => e.Key));
                for (int i = 0; i < before.KvlistValue.Values.Count; i++)
                {
                    Compare(before.KvlistValue.Values[i].Value, after.KvlistValue.Values[i].Value, max, ref cut);
                }

                break;
            default:
                Assert.Equal(before, after);
                break;
        }
    }

    /// <summary>Every attribute collection of a message, in a fixed order: the repeated KeyValue fields outside AnyValue.</summary>
    private static List<IList<KeyValue>> Collections(IMessage message)
    {
        var found = new List<IList<KeyValue>>();
        Walk(message, found);
        return found;
    }

    private static void Walk(IMessage message, List<IList<KeyValue>> found)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.MessageType == AnyValue.Descriptor)
            {
                // A log body is an AnyValue and no attribute collection: the limits leave it alone.
                continue;
            }

            object value = field.Accessor.GetValue(message);
            if (field.MessageType == KeyValue.Descriptor)
            {
                found.Add(((IEnumerable)value).Cast<KeyValue>().ToList());
            }
            else if (field.IsRepeated)
            {
                foreach (IMessage item in (IEnumerable)value)
                {
                    Walk(item, found);
                }
            }
            else if (value is IMessage child)
            {
                Walk(child, found);
            }
        }
    }
}

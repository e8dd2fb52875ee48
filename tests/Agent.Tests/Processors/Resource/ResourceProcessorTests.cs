using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Processors.Resource;
using Agent.Tests.Core.Model;
using OpenTelemetry.Proto.Common.V1;
using static Agent.Tests.Core.Model.TestBatches;
using OtlpResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Agent.Tests.Processors.Resource;

public class ResourceProcessorTests
{
    public static TheoryData<string, string, string?, string?> ActionsOnEverySignal()
    {
        // Signal, action, then the expected env of the group that had env=old and of the one that had none.
        var data = new TheoryData<string, string, string?, string?>();
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            data.Add(signal, "insert", "old", "new");
            data.Add(signal, "update", "new", null);
            data.Add(signal, "upsert", "new", "new");
            data.Add(signal, "delete", null, null);
        }

        return data;
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(ActionsOnEverySignal))]
    public async Task Each_action_applies_to_every_resource_of_every_signal(string signal, string action, string? expectedHad, string? expectedLacked)
    {
        var step = new ResourceAttributeAction { Key = "env", Action = action, Value = action == "delete" ? null : "new" };

        var resources = await RunAsync(signal, step);

        Assert.Equal(expectedHad, Attribute(resources["had"], "env"));
        Assert.Equal(expectedLacked, Attribute(resources["lacked"], "env"));
        if (signal == "logs")
        {
            Assert.Equal(expectedLacked, Attribute(resources["raw"], "env"));
        }

        // Nothing else changed, and no key appears twice.
        Assert.All(resources.Values, r => Assert.Equal(r.Attributes.Count, r.Attributes.Select(a => a.Key).Distinct().Count()));
        Assert.All(resources.Values, r => Assert.NotNull(Attribute(r, "service.name")));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task From_attribute_copies_the_value_of_another_attribute_of_the_same_resource()
    {
        var step = new ResourceAttributeAction { Key = "service.alias", Action = "upsert", FromAttribute = "service.name" };

        var resources = await RunAsync("logs", step);

        Assert.Equal("had", Attribute(resources["had"], "service.alias"));
        Assert.Equal("lacked", Attribute(resources["lacked"], "service.alias"));
        Assert.Equal("raw", Attribute(resources["raw"], "service.alias"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task From_an_absent_attribute_nothing_is_set()
    {
        var step = new ResourceAttributeAction { Key = "copy", Action = "insert", FromAttribute = "missing" };

        var resources = await RunAsync("traces", step);

        Assert.All(resources.Values, r => Assert.Null(r.Attributes.FirstOrDefault(a => a.Key == "copy")));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Values_keep_the_type_they_had_in_yaml()
    {
        var steps = new[]
        {
            new ResourceAttributeAction { Key = "count", Action = "upsert", Value = 42L },
            new ResourceAttributeAction { Key = "ratio", Action = "upsert", Value = 1.5 },
            new ResourceAttributeAction { Key = "enabled", Action = "upsert", Value = true },
            new ResourceAttributeAction { Key = "name", Action = "upsert", Value = "x" },
        };

        var resource = (await RunAsync("metrics", steps))["lacked"];

        Assert.Equal(42L, Value(resource, "count").IntValue);
        Assert.Equal(1.5, Value(resource, "ratio").DoubleValue);
        Assert.True(Value(resource, "enabled").BoolValue);
        Assert.Equal("x", Value(resource, "name").StringValue);
        Assert.Equal(AnyValue.ValueOneofCase.IntValue, Value(resource, "count").ValueCase);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Actions_run_in_order()
    {
        var steps = new[]
        {
            new ResourceAttributeAction { Key = "tmp", Action = "insert", Value = "1" },
            new ResourceAttributeAction { Key = "kept", Action = "insert", FromAttribute = "tmp" },
            new ResourceAttributeAction { Key = "tmp", Action = "delete" },
        };

        var resource = (await RunAsync("traces", steps))["lacked"];

        Assert.Null(Attribute(resource, "tmp"));
        Assert.Equal("1", Attribute(resource, "kept"));
    }

    [Fact]
    public void Delete_removes_every_copy_of_a_repeated_key_and_set_values_are_not_shared()
    {
        var actions = ResourceActions.Compile(new ResourceProcessorOptions
        {
            Attributes =
            [
                new ResourceAttributeAction { Key = "dup", Action = "delete" },
                new ResourceAttributeAction { Key = "env", Action = "upsert", Value = "prod" },
            ],
        });
        var first = ResourceOf("a");
        first.Attributes.Add(new KeyValue { Key = "dup", Value = new AnyValue { StringValue = "1" } });
        first.Attributes.Add(new KeyValue { Key = "dup", Value = new AnyValue { StringValue = "2" } });
        var second = ResourceOf("b");

        actions.Apply(first);
        actions.Apply(second);
        Value(first, "env").StringValue = "changed later";

        Assert.Null(Attribute(first, "dup"));
        Assert.Equal("prod", Attribute(second, "env"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_fan_out_keeps_the_data_of_read_only_consumers_untouched()
    {
        var changedSink = new RecordingConsumer<TracesBatch>(completeWith: null);
        var processor = new ResourceProcessorFactory().CreateProcessor(Context(Upsert("env", "prod")), changedSink);
        var readOnly = new RecordingConsumer<TracesBatch>(completeWith: null);
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        await FanOutConsumer<TracesBatch>.Of([processor, readOnly]).ConsumeAsync(batch, CancellationToken.None);

        Assert.Null(Attribute(Assert.Single(readOnly.Received).Data.ResourceSpans[0].Resource, "env"));
        Assert.Equal("prod", Attribute(Assert.Single(changedSink.Received).Data.ResourceSpans[0].Resource, "env"));
        readOnly.Received[0].Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);
        changedSink.Received[0].Complete(DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }

    [Fact]
    public void The_factory_makes_a_mutating_processor_for_all_signals()
    {
        var factory = new ResourceProcessorFactory();
        var context = Context(Upsert("env", "prod"));

        Assert.Equal("resource", factory.Type);
        Assert.Equal([Signal.Traces, Signal.Metrics, Signal.Logs], factory.Signals);
        Assert.True(factory.CreateProcessor(context, new RecordingConsumer<TracesBatch>()).MutatesData);
        Assert.True(factory.CreateProcessor(context, new RecordingConsumer<MetricsBatch>()).MutatesData);
        Assert.True(factory.CreateProcessor(context, new RecordingConsumer<LogsBatch>()).MutatesData);
    }

    public static TheoryData<string?, string?, object?, string?, string, string> InvalidActions => new()
    {
        { null, "insert", "v", null, "key", "is required" },
        { "k", null, "v", null, "action", "is required" },
        { "k", "rename", "v", null, "action", "unknown action \"rename\": must be one of insert, update, upsert, delete" },
        { "k", "hash", null, null, "action", "\"hash\" is not supported by this agent; the supported actions are insert, update, upsert, delete" },
        { "k", "extract", null, null, "action", "not supported" },
        { "k", "insert", null, null, "value", "needs value or from_attribute" },
        { "k", "upsert", "v", "other", "from_attribute", "not both" },
        { "k", "delete", "v", null, "value", "not used by the delete action" },
        { "k", "update", new List<string> { "a" }, null, "value", "string, a number or a boolean" },
    };

    [Theory]
    [MemberData(nameof(InvalidActions))]
    public void Invalid_actions_are_refused_with_a_clear_message(string? key, string? action, object? value, string? from, string errorKey, string message)
    {
        var step = new ResourceAttributeAction { Key = key, Action = action, Value = value, FromAttribute = from };

        var error = Assert.Single(step.Validate());

        Assert.Equal(errorKey, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_actions_pass_and_an_empty_list_does_not()
    {
        Assert.Empty(new ResourceAttributeAction { Key = "k", Action = "insert", Value = 1L }.Validate());
        Assert.Empty(new ResourceAttributeAction { Key = "k", Action = "update", FromAttribute = "j" }.Validate());
        Assert.Empty(new ResourceAttributeAction { Key = "k", Action = "delete" }.Validate());
        Assert.Empty(new ResourceProcessorOptions { Attributes = [Upsert("k", "v")] }.Validate());
        Assert.Equal("attributes", Assert.Single(new ResourceProcessorOptions().Validate()).Key);
    }

    /// <summary>
    /// Runs the actions over a batch of the signal with a group that had <c>env=old</c> and one with no env (plus a raw
    /// chunk for logs), and returns each resource by its service name.
    /// </summary>
    private static async Task<Dictionary<string, OtlpResource>> RunAsync(string signal, params ResourceAttributeAction[] steps)
    {
        var context = Context(steps);
        var factory = new ResourceProcessorFactory();
        Agent.Core.Model.Batch batch;
        switch (signal)
        {
            case "traces":
                var traces = Traces(("had", 2), ("lacked", 2));
                await factory.CreateProcessor(context, new RecordingConsumer<TracesBatch>()).ConsumeAsync(WithOldEnv(traces), CancellationToken.None);
                batch = traces;
                break;
            case "metrics":
                var metrics = Metrics(("had", 2), ("lacked", 2));
                await factory.CreateProcessor(context, new RecordingConsumer<MetricsBatch>()).ConsumeAsync(WithOldEnv(metrics), CancellationToken.None);
                batch = metrics;
                break;
            default:
                var logs = Logs(("had", 2), ("lacked", 2));
                logs.Raw.Add(RawChunk("raw", 2));
                await factory.CreateProcessor(context, new RecordingConsumer<LogsBatch>()).ConsumeAsync(WithOldEnv(logs), CancellationToken.None);
                batch = logs;
                break;
        }

        return batch.Resources.ToDictionary(r => Attribute(r, "service.name")!);
    }

    private static TBatch WithOldEnv<TBatch>(TBatch batch)
        where TBatch : Agent.Core.Model.Batch
    {
        batch.Resources.First().Attributes.Add(new KeyValue { Key = "env", Value = new AnyValue { StringValue = "old" } });
        return batch;
    }

    private static ComponentContext Context(params ResourceAttributeAction[] steps) =>
        new(new ComponentId("resource"), new ResourceProcessorOptions { Attributes = [.. steps] }, new TestHost());

    private static ResourceAttributeAction Upsert(string key, object value) => new() { Key = key, Action = "upsert", Value = value };

    private static AnyValue Value(OtlpResource resource, string key) => resource.Attributes.Single(a => a.Key == key).Value;
}

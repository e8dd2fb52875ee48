using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Loki.Encoding;
using Agent.Exporters.Serialization;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using Snappier;

namespace Agent.Exporters.Loki;

/// <summary>
/// One push request, ready to send: its body stays valid until the builder builds the next one. <see cref="Key"/> is
/// the partition key of its first stream; every stream in it maps to the same shard.
/// </summary>
internal readonly record struct LokiPush(string? Tenant, ReadOnlyMemory<byte> Body, string ContentType, int Entries, ulong Key);

/// <summary>
/// Turns a logs batch into Loki push requests. <see cref="Plan"/> groups the entries into streams (by tenant and
/// label set, resources mapped once and cached) and each stream into its ordered shard; <see cref="TryBuildNext"/>
/// then writes one push at a time, shard by shard and tenant by tenant, each stream in time order, cutting a new
/// push before <c>max_request_bytes</c> is passed, so a push never mixes shards or tenants. File lines are
/// written straight from their chunk's buffer and compressed into a reused buffer: nothing is allocated per line.
/// One builder serves one encode at a time; <see cref="LokiRequestEncoder"/> keeps a few and lends them out.
/// </summary>
internal sealed class LokiRequestBuilder : IDisposable
{
    private const int MaxCachedResources = 1024;

    /// <summary>What a builder's body and compression buffers keep between batches.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    /// <summary>Room for what closes a stream and a push (JSON's brackets) after the last entry.</summary>
    private const int ClosingBytes = 8;

    private static readonly Resource EmptyResource = new();
    private static readonly RequestPartitioner SingleShard = new(1);

    private readonly LokiLabelMapper _mapper;
    private readonly LokiLineFormat _format;
    private readonly LokiPushWriter _writer;
    private readonly int _maxRequestBytes;
    private readonly TimeProvider _time;

    // Keyed by a snapshot of the resource; Resource's equality is by content, so a changed resource maps afresh.
    private readonly Dictionary<Resource, LokiResourceLabels> _resources = [];
    private readonly Dictionary<(string? Tenant, string Selector), int> _streamIndex = [];
    private readonly List<LokiStreamPlan> _plans = [];
    private readonly List<string?> _tenants = [];
    private readonly List<RawLogChunk> _chunks = [];
    private readonly List<LokiResourceLabels> _chunkLabels = [];
    private readonly List<LokiPreparedEntry> _prepared = [];
    private readonly PooledByteBuffer _body = new();
    private readonly PooledByteBuffer _compressed = new();
    private readonly PooledByteBuffer _scratch = new(4096);
    private int[] _order = [];
    private long[] _orderKeys = [];
    private RequestPartitioner _partitioner = SingleShard;
    private int _streamCount;
    private int _cursorStream;
    private int _cursorEntry;

    public LokiRequestBuilder(LokiLabelMapper mapper, LokiExporterOptions options, TimeProvider? time = null)
    {
        _mapper = mapper;
        _format = options.Format;
        _writer = LokiPushWriter.For(options.Encoding);
        _maxRequestBytes = (int)Math.Clamp(options.MaxRequestBytes, 1024, 1L << 30);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Entries in the planned batch.</summary>
    public int EntryCount { get; private set; }

    /// <summary>Groups the batch's entries into streams, and those into <paramref name="partitioner"/>'s shards (one when
    /// null), and rewinds to its first push.</summary>
    public void Plan(LogsBatch batch, RequestPartitioner? partitioner = null)
    {
        _partitioner = partitioner ?? SingleShard;
        _streamIndex.Clear();
        _tenants.Clear();
        _chunks.Clear();
        _chunkLabels.Clear();
        _prepared.Clear();
        _streamCount = 0;
        _cursorStream = 0;
        _cursorEntry = 0;
        EntryCount = 0;
        if (_resources.Count > MaxCachedResources)
        {
            _resources.Clear();
        }

        foreach (var chunk in batch.Raw)
        {
            PlanChunk(chunk);
        }

        // Indexed loops: RepeatedField's enumerator is a heap object.
        var groups = batch.Data.ResourceLogs;
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var labels = LabelsOf(group.Resource ?? EmptyResource);
            foreach (var scope in group.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    PlanRecord(record, labels);
                }
            }
        }

        OrderByShardAndTenant();

        // One rent of about the size the pushes need, rather than doubling from the small size kept between batches;
        // a push is cut before it passes max_request_bytes, so no more (a power of two stays in its pool's size).
        _body.Reserve((int)Math.Min(batch.ByteSize + ClosingBytes, _maxRequestBytes));
    }

    /// <summary>
    /// Gives back the large arrays the last batch needed (to the pool that lets them go once a burst is over), so a
    /// builder waiting for the next batch holds only small buffers.
    /// </summary>
    public void ShedBuffers()
    {
        _body.Shrink(KeptBufferBytes);
        _compressed.Shrink(KeptBufferBytes);
    }

    /// <summary>Writes the next push of the planned batch; false when every entry has been written.</summary>
    public bool TryBuildNext(out LokiPush push)
    {
        push = default;
        if (_cursorStream >= _streamCount)
        {
            return false;
        }

        var first = _plans[_order[_cursorStream]];
        _writer.BeginPush(_body);
        int entriesInPush = 0;
        int streamsInPush = 0;
        while (_cursorStream < _streamCount && SamePush(_plans[_order[_cursorStream]], first))
        {
            var plan = _plans[_order[_cursorStream]];
            if (_cursorEntry == 0)
            {
                plan.SortByTime();
            }

            int streamMark = _body.Length;
            int streamStart = _writer.BeginStream(_body, plan.Labels, streamsInPush == 0);
            int entriesInStream = 0;
            bool full = false;
            var entries = plan.Entries;
            while (_cursorEntry < entries.Length)
            {
                int entryMark = _body.Length;
                WriteEntry(entries[_cursorEntry], entriesInStream == 0);
                if (_body.Length + ClosingBytes > _maxRequestBytes && entriesInPush > 0)
                {
                    // This entry goes first in the next push.
                    _body.Truncate(entryMark);
                    full = true;
                    break;
                }

                _cursorEntry++;
                entriesInStream++;
                entriesInPush++;
            }

            if (entriesInStream > 0)
            {
                _writer.EndStream(_body, streamStart);
                streamsInPush++;
            }
            else
            {
                _body.Truncate(streamMark);
            }

            if (full)
            {
                break;
            }

            _cursorStream++;
            _cursorEntry = 0;
        }

        _writer.EndPush(_body);
        push = new LokiPush(first.Tenant, Finish(), _writer.ContentType, entriesInPush, first.Key);
        return true;
    }

    private ReadOnlyMemory<byte> Finish()
    {
        if (!_writer.Compress)
        {
            return _body.WrittenMemory;
        }

        _compressed.Clear();
        var target = _compressed.GetSpan(Snappy.GetMaxCompressedLength(_body.Length));
        int length = Snappy.Compress(_body.WrittenSpan, target);
        _compressed.Advance(length);
        return _compressed.WrittenMemory;
    }

    private void PlanChunk(RawLogChunk chunk)
    {
        var labels = LabelsOf(chunk.Resource);
        int source = _chunks.Count;
        _chunks.Add(chunk);
        _chunkLabels.Add(labels);

        // A chunk is one resource; its lines differ only by level, so each level's stream is looked up once.
        Span<int> streamOfLevel = stackalloc int[LokiLevels.Count];
        streamOfLevel.Fill(-1);
        var entries = chunk.Entries;
        for (int i = 0; i < entries.Length; i++)
        {
            ref readonly var entry = ref entries[i];
            int level = LokiLevels.FromSeverityNumber(entry.SeverityNumber);
            int stream = streamOfLevel[level];
            if (stream < 0)
            {
                stream = streamOfLevel[level] = StreamFor(labels.ForLevel(_mapper, level), labels.Tenant);
            }

            _plans[stream].Add(entry.TimeUnixNano, source, i);
        }

        EntryCount += entries.Length;
    }

    private void PlanRecord(LogRecord record, LokiResourceLabels resource)
    {
        int level = record.SeverityNumber != 0
            ? LokiLevels.FromSeverityNumber((int)record.SeverityNumber)
            : LokiLevels.FromText(record.SeverityText);
        long time = record.TimeUnixNano != 0 ? (long)record.TimeUnixNano
            : record.ObservedTimeUnixNano != 0 ? (long)record.ObservedTimeUnixNano
            : (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

        var streamLabels = resource.ForLevel(_mapper, level);
        string? tenant = resource.Tenant;
        var metadata = new List<KeyValuePair<string, string>>();
        if (record.Attributes.Count > 0)
        {
            var own = _mapper.MapRecord(record.Attributes);
            metadata.AddRange(own.Metadata);
            tenant = own.Tenant ?? tenant;
            if (own.Labels.Count > 0)
            {
                var merged = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (name, value) in resource.BaseLabels)
                {
                    merged[name] = value;
                }

                foreach (var (name, value) in own.Labels)
                {
                    merged[name] = value;
                }

                streamLabels = new LokiStreamLabels(_mapper.WithLevel(LokiLabelMapper.Sorted(merged), level));
            }
        }

        AddIfPresent(metadata, "trace_id", LokiLineFormatter.Hex(record.TraceId));
        AddIfPresent(metadata, "span_id", LokiLineFormatter.Hex(record.SpanId));
        if (!_mapper.LevelIsLabel && level != LokiLevels.None)
        {
            metadata.Add(new(LokiLabelMapper.LevelLabel, LokiLevels.Name(level)));
        }

        var prepared = new LokiPreparedEntry(time, resource, LokiLineFormatter.Format(_format, record, level), [.. metadata]);
        int index = _prepared.Count;
        _prepared.Add(prepared);
        _plans[StreamFor(streamLabels, tenant)].Add(time, ~index, 0);
        EntryCount++;
    }

    private void WriteEntry(in LokiEntryRef reference, bool firstInStream)
    {
        if (reference.Source < 0)
        {
            var prepared = _prepared[~reference.Source];
            var entry = new LokiEntry(prepared.TimeUnixNano, prepared.Line, prepared.Resource, default, LokiLevels.None, default, default, prepared);
            _writer.WriteEntry(_body, entry, firstInStream);
            return;
        }

        var chunk = _chunks[reference.Source];
        ref readonly var raw = ref chunk.Entries[reference.Index];
        int level = LokiLevels.FromSeverityNumber(raw.SeverityNumber);
        var line = LokiLineFormatter.Format(_format, _scratch, chunk, raw, level);
        var fileEntry = new LokiEntry(
            raw.TimeUnixNano,
            line,
            _chunkLabels[reference.Source],
            LokiLineFormatter.StreamName(raw.Stream),
            _mapper.LevelIsLabel ? LokiLevels.None : level,
            Field(chunk, raw.TraceIdOffset, raw.TraceIdLength),
            Field(chunk, raw.SpanIdOffset, raw.SpanIdLength));
        _writer.WriteEntry(_body, fileEntry, firstInStream);
    }

    private int StreamFor(LokiStreamLabels labels, string? tenant)
    {
        if (_streamIndex.TryGetValue((tenant, labels.Selector), out int index))
        {
            return index;
        }

        int tenantOrder = _tenants.IndexOf(tenant);
        if (tenantOrder < 0)
        {
            tenantOrder = _tenants.Count;
            _tenants.Add(tenant);
        }

        index = _streamCount++;
        if (index == _plans.Count)
        {
            _plans.Add(new LokiStreamPlan());
        }

        ulong key = RequestPartitioner.KeyOf(tenant, labels.Selector);
        _plans[index].Reset(labels, tenant, tenantOrder, key, _partitioner.ShardOf(key));
        _streamIndex[(tenant, labels.Selector)] = index;
        return index;
    }

    private LokiResourceLabels LabelsOf(Resource resource)
    {
        if (!_resources.TryGetValue(resource, out var labels))
        {
            labels = _mapper.MapResource(resource);
            _resources[resource.Clone()] = labels;
        }

        return labels;
    }

    private static bool SamePush(LokiStreamPlan stream, LokiStreamPlan first) =>
        stream.Shard == first.Shard && stream.TenantOrder == first.TenantOrder;

    /// <summary>Streams grouped by shard, then by tenant (first seen first), keeping their order within a tenant.</summary>
    private void OrderByShardAndTenant()
    {
        if (_order.Length < _streamCount)
        {
            int size = Math.Max(_streamCount, _order.Length * 2);
            _order = new int[size];
            _orderKeys = new long[size];
        }

        // One sortable key per stream: shard, tenant order, then first-seen order, each well inside 21 bits.
        for (int stream = 0; stream < _streamCount; stream++)
        {
            var plan = _plans[stream];
            _orderKeys[stream] = ((long)plan.Shard << 42) | ((long)plan.TenantOrder << 21) | (long)stream;
            _order[stream] = stream;
        }

        Array.Sort(_orderKeys, _order, 0, _streamCount);
    }

    private static ReadOnlySpan<byte> Field(RawLogChunk chunk, int offset, int length) =>
        offset >= 0 && length > 0 ? chunk.Field(offset, length) : default;

    private static void AddIfPresent(List<KeyValuePair<string, string>> metadata, string name, string value)
    {
        if (value.Length > 0)
        {
            metadata.Add(new(name, value));
        }
    }

    public void Dispose()
    {
        foreach (var plan in _plans)
        {
            plan.Dispose();
        }

        _body.Dispose();
        _compressed.Dispose();
        _scratch.Dispose();
    }
}

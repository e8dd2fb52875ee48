using System.Buffers;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;

namespace Agent.Tests.Exporters.ExporterHelper;

public sealed class ExportRequestFormatTests
{
    public static TheoryData<ExportRequest> Requests => new()
    {
        new ExportRequest(Signal.Logs, 3, new byte[] { 1, 2, 3, 0, 255 })
        {
            ContentType = "application/x-protobuf",
            Tenant = "team-ä",
            PartitionKey = ulong.MaxValue - 7,
        },
        new ExportRequest(Signal.Traces, 0, ReadOnlyMemory<byte>.Empty) { ContentType = "application/json", ContentEncoding = "gzip" },
        new ExportRequest(Signal.Metrics, 12, new byte[70_000]),
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void A_request_reads_back_as_it_was_written(ExportRequest request)
    {
        var written = Write(request);

        var read = ExportRequestFormat.Read(written);

        Assert.Equal(request.Signal, read.Signal);
        Assert.Equal(request.Items, read.Items);
        Assert.Equal(request.ContentType, read.ContentType);
        Assert.Equal(request.ContentEncoding, read.ContentEncoding);
        Assert.Equal(request.Tenant, read.Tenant);
        Assert.Equal(request.PartitionKey, read.PartitionKey);
        Assert.Equal(request.Body.ToArray(), read.Body.ToArray());
        Assert.Same(RequestNotifiers.None, read.Notifiers);
    }

    [Fact]
    public void Every_cut_short_record_is_refused()
    {
        var written = Write(new ExportRequest(Signal.Logs, 2, new byte[] { 9, 8, 7 }) { ContentType = "x", Tenant = "t", PartitionKey = 5 });

        for (int length = 0; length < written.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => ExportRequestFormat.Read(written.AsSpan(0, length)));
        }
    }

    [Fact]
    public void An_unknown_version_or_trailing_bytes_are_refused()
    {
        var written = Write(new ExportRequest(Signal.Logs, 1, new byte[] { 1 }) { ContentType = "x" });
        byte[] otherVersion = [.. written];
        otherVersion[0] = 99;

        Assert.Throws<InvalidDataException>(() => ExportRequestFormat.Read(otherVersion));
        Assert.Throws<InvalidDataException>(() => ExportRequestFormat.Read([.. written, 0]));
    }

    private static byte[] Write(ExportRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        ExportRequestFormat.Write(request, output);
        return output.WrittenSpan.ToArray();
    }
}

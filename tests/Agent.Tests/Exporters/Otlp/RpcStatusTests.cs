using Agent.Exporters.Otlp;
using Agent.Tests.Fakes;

namespace Agent.Tests.Exporters.Otlp;

public sealed class RpcStatusTests
{
    [Fact]
    public void Reads_the_message_and_the_retry_info_delay()
    {
        byte[] encoded = FakeOtlpBackend.EncodeStatus(8, "slow down", TimeSpan.FromMilliseconds(1500));

        Assert.True(RpcStatus.TryParse(encoded, out var status));
        Assert.Equal(8, status.Code);
        Assert.Equal("slow down", status.Message);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), status.RetryDelay);
    }

    [Fact]
    public void A_status_without_retry_info_has_no_delay()
    {
        Assert.True(RpcStatus.TryParse(FakeOtlpBackend.EncodeStatus(3, "bad span", null), out var status));
        Assert.Equal("bad span", status.Message);
        Assert.Null(status.RetryDelay);
    }

    [Fact]
    public void Bytes_that_are_not_a_status_are_refused()
    {
        Assert.False(RpcStatus.TryParse([0x0a, 0xff, 0x01], out _));
    }
}

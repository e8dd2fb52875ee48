using Agent.Exporters.Otlp;

namespace Agent.Tests.Exporters.Otlp;

public sealed class GrpcTargetTests
{
    [Theory]
    [InlineData("tempo:4317", true, "http://tempo:4317/")]
    [InlineData("tempo:4317", false, "https://tempo:4317/")]
    [InlineData("http://tempo:4317", false, "http://tempo:4317/")]
    [InlineData("https://tempo:4317", true, "https://tempo:4317/")]
    [InlineData("dns:///tempo.monitoring.svc:4317", true, "http://tempo.monitoring.svc:4317/")]
    [InlineData("[::1]:4317", true, "http://[::1]:4317/")]
    [InlineData("  10.0.0.7:4317 ", false, "https://10.0.0.7:4317/")]
    public void Endpoints_resolve_like_the_collector(string endpoint, bool insecure, string expected)
    {
        Assert.True(GrpcTarget.TryResolve(endpoint, insecure, out var address, out string error), error);
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("tempo", "no port")]
    [InlineData("ftp://tempo:4317", "is not host:port")]
    [InlineData("http://tempo:4317/api", "no path")]
    [InlineData("tempo:notaport", "is not host:port")]
    public void Unusable_endpoints_are_explained(string? endpoint, string expected)
    {
        Assert.False(GrpcTarget.TryResolve(endpoint, true, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}

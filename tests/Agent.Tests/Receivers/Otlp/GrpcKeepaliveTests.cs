using Agent.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>The gRPC <c>keepalive</c> block lands on Kestrel's settings where Kestrel has them, and names the rest.</summary>
public sealed class GrpcKeepaliveTests
{
    [Fact]
    public void Time_timeout_and_max_connection_idle_become_kestrels_ping_and_idle_settings()
    {
        var kestrel = new KestrelServerOptions();
        var keepalive = new GrpcKeepaliveOptions
        {
            ServerParameters = new() { Time = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromSeconds(5), MaxConnectionIdle = TimeSpan.FromMinutes(3) },
        };

        GrpcKeepalive.Apply(keepalive, kestrel);

        Assert.Equal(TimeSpan.FromSeconds(30), kestrel.Limits.Http2.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), kestrel.Limits.Http2.KeepAlivePingTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), kestrel.Limits.KeepAliveTimeout);
        Assert.Empty(keepalive.Unsupported());
    }

    [Fact]
    public void Unset_values_leave_kestrels_defaults()
    {
        var defaults = new KestrelServerOptions();
        var kestrel = new KestrelServerOptions();

        GrpcKeepalive.Apply(new GrpcKeepaliveOptions { ServerParameters = new() }, kestrel);

        Assert.Equal(defaults.Limits.Http2.KeepAlivePingDelay, kestrel.Limits.Http2.KeepAlivePingDelay);
        Assert.Equal(defaults.Limits.KeepAliveTimeout, kestrel.Limits.KeepAliveTimeout);
    }

    [Fact]
    public void Connection_age_and_the_enforcement_policy_are_reported_as_not_supported()
    {
        var keepalive = new GrpcKeepaliveOptions
        {
            ServerParameters = new() { MaxConnectionAge = TimeSpan.FromMinutes(10), MaxConnectionAgeGrace = TimeSpan.FromSeconds(5) },
            EnforcementPolicy = new() { MinTime = TimeSpan.FromSeconds(10) },
        };

        var unsupported = keepalive.Unsupported().ToList();

        Assert.Equal(3, unsupported.Count);
        Assert.StartsWith("server_parameters.max_connection_age ", unsupported[0], StringComparison.Ordinal);
        Assert.Equal("server_parameters.max_connection_age_grace", unsupported[1]);
        Assert.StartsWith("enforcement_policy", unsupported[2], StringComparison.Ordinal);
    }
}

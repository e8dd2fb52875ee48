namespace Agent.Tests.Fakes;

/// <summary>What a <see cref="FaultyProxy"/> does to the traffic between a client and its backend.</summary>
public enum ProxyFault
{
    /// <summary>Bytes pass both ways untouched.</summary>
    Pass,

    /// <summary>Nothing listens: new connections are refused by the kernel and open ones are reset, as when the backend is down.</summary>
    Refuse,

    /// <summary>Connections are accepted, but the first bytes of each request (or answer) are followed by a TCP reset.</summary>
    Reset,

    /// <summary>Every chunk, each way, is held for the proxy's delay before it is passed on.</summary>
    Delay,
}

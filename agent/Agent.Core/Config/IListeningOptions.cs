namespace Agent.Core.Config;

/// <summary>
/// Options of something that listens on a network address (a receiver's protocol, a health endpoint), so that the
/// configuration can refuse two listeners on one port before anything starts.
/// </summary>
public interface IListeningOptions
{
    /// <summary>The snake_case key of the address and its <c>host:port</c> value; null when nothing will listen.</summary>
    (string Key, string Endpoint)? ListenAddress { get; }
}

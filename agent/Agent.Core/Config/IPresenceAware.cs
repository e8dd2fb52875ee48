namespace Agent.Core.Config;

/// <summary>
/// Options that behave differently depending on which keys the user wrote, not only on their values (as the
/// Collector's OTLP receiver enables only the protocols that appear under <c>protocols</c>).
/// </summary>
public interface IPresenceAware
{
    /// <summary>Called after binding with the keys present in this object's YAML mapping.</summary>
    void OnKeysPresent(IReadOnlySet<string> keys);
}

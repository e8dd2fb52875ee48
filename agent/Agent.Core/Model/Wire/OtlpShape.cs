using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model.Wire;

/// <summary>How one signal's decoded OTLP request is reached, for what its two forms share (see <see cref="OtlpRequestForm{TRequest, TGroup}"/>).</summary>
internal sealed class OtlpShape<TRequest, TGroup>
    where TRequest : IMessage<TRequest>, new()
    where TGroup : IMessage<TGroup>, new()
{
    public required Signal Signal { get; init; }

    public required MessageParser<TRequest> Parser { get; init; }

    public required Func<TRequest, RepeatedField<TGroup>> GroupsOf { get; init; }

    /// <summary>A group's resource, set to an empty one when missing (processors add to it).</summary>
    public required Func<TGroup, Resource> ResourceOf { get; init; }

    /// <summary>Items of a decoded request.</summary>
    public required Func<TRequest, int> CountItems { get; init; }

    /// <summary>Moves the first items of decoded groups out, as the batch's decoded split does.</summary>
    public required Func<RepeatedField<TGroup>, int, RepeatedField<TGroup>> SplitFront { get; init; }

    /// <summary>
    /// Cuts one encoded scope group in two, its first <c>budget</c> items in front: on the bytes for spans and log
    /// records (see <see cref="WireScopeCut"/>), through the decoded split for metrics (a metric's points may be cut).
    /// Either half may be null (empty).
    /// </summary>
    public required Func<OtlpShape<TRequest, TGroup>, ByteString, int, (ByteString? Front, ByteString? Back)> CutScope { get; init; }

    /// <summary>
    /// Cuts <paramref name="scope"/> through the decoded split, so both forms split alike: the scope goes alone into
    /// a group, the group is split, and both halves are encoded again.
    /// </summary>
    public (ByteString? Front, ByteString? Back) CutThroughDecoded<TScope>(
        ByteString scope, int budget, MessageParser<TScope> scopeParser, Func<TGroup, RepeatedField<TScope>> scopesOf)
        where TScope : IMessage<TScope>
    {
        var group = new TGroup();
        scopesOf(group).Add(scopeParser.ParseFrom(scope));
        var groups = new RepeatedField<TGroup> { group };
        var front = SplitFront(groups, budget);
        var frontScopes = front.Count > 0 ? scopesOf(front[0]) : null;
        var restScopes = scopesOf(group);
        return (frontScopes is { Count: > 0 } ? frontScopes[0].ToByteString() : null, restScopes.Count > 0 ? restScopes[0].ToByteString() : null);
    }
}

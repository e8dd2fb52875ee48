using Google.Protobuf;

namespace Agent.Core.Model.Wire;

/// <summary>
/// The batch split (see <see cref="OtlpGroups.SplitFront"/>) on encoded groups: whole groups and whole scope groups
/// move as they are, and only a scope group that must be cut is decoded, by <c>cutScope</c>.
/// </summary>
internal static class WireSplit
{
    public static WireRequest TakeFront(WireRequest request, int maxItems, Signal signal, Func<ByteString, int, (ByteString? Front, ByteString? Back)> cutScope)
    {
        var front = new WireRequest();
        var groups = request.Groups;
        int budget = maxItems;
        int wholeGroups = 0;
        while (wholeGroups < groups.Count && budget > 0)
        {
            int weight = WireItemCount.OfGroup(groups[wholeGroups], signal);
            if (weight > budget)
            {
                break;
            }

            budget -= weight;
            wholeGroups++;
        }

        OtlpGroups.MoveFront(groups, wholeGroups, front.Groups);
        if (budget <= 0 || groups.Count == 0)
        {
            return front;
        }

        // The next group does not fit: a copy of it without scopes takes the first ones.
        var group = groups[0];
        var scopes = group.Scopes;
        var shell = OtlpGroups.ShellOf(group, static g => g.Scopes);
        int wholeScopes = 0;
        while (wholeScopes < scopes.Count && budget > 0)
        {
            int weight = WireItemCount.OfScope(scopes[wholeScopes].Span, signal);
            if (weight > budget)
            {
                break;
            }

            budget -= weight;
            wholeScopes++;
        }

        OtlpGroups.MoveFront(scopes, wholeScopes, shell.Scopes);
        if (budget > 0 && scopes.Count > 0)
        {
            var (cutFront, rest) = cutScope(scopes[0], budget);
            if (cutFront is not null)
            {
                shell.Scopes.Add(cutFront);
            }

            if (rest is null)
            {
                scopes.RemoveAt(0);
            }
            else
            {
                scopes[0] = rest;
            }
        }

        if (shell.Scopes.Count > 0)
        {
            front.Groups.Add(shell);
        }

        return front;
    }
}

using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Agent.Core.Model;

/// <summary>
/// Splits the three-level OTLP shape (resource group → scope group → items) shared by spans, metrics and logs,
/// so each batch type only says how to reach its levels.
/// </summary>
internal static class OtlpGroups
{
    public static RepeatedField<TResource> SplitFront<TResource, TScope, TItem>(
        RepeatedField<TResource> groups,
        int maxItems,
        Func<TResource, RepeatedField<TScope>> scopesOf,
        Func<TScope, RepeatedField<TItem>> itemsOf,
        Func<TItem, int> weightOf)
        where TResource : IMessage<TResource>, IDeepCloneable<TResource>
        where TScope : IMessage<TScope>, IDeepCloneable<TScope>
    {
        var front = new RepeatedField<TResource>();
        int budget = maxItems;
        while (groups.Count > 0 && budget > 0)
        {
            var group = groups[0];
            int groupWeight = Weigh(group, scopesOf, itemsOf, weightOf);
            if (groupWeight <= budget)
            {
                groups.RemoveAt(0);
                front.Add(group);
                budget -= groupWeight;
                continue;
            }

            // Move part of this group: a shell copy of the resource takes the first scopes/items.
            var shell = ShellOf(group, scopesOf);
            var scopes = scopesOf(group);
            while (scopes.Count > 0 && budget > 0)
            {
                var scope = scopes[0];
                var items = itemsOf(scope);
                int scopeWeight = items.Sum(weightOf);
                if (scopeWeight <= budget)
                {
                    scopes.RemoveAt(0);
                    scopesOf(shell).Add(scope);
                    budget -= scopeWeight;
                    continue;
                }

                var scopeShell = ShellOf(scope, itemsOf);
                while (items.Count > 0 && budget > 0)
                {
                    // An item heavier than the budget still moves whole when nothing else fits: progress beats precision.
                    int weight = weightOf(items[0]);
                    if (weight > budget && itemsOf(scopeShell).Count > 0)
                    {
                        break;
                    }

                    itemsOf(scopeShell).Add(items[0]);
                    items.RemoveAt(0);
                    budget -= weight;
                }

                scopesOf(shell).Add(scopeShell);
                break;
            }

            front.Add(shell);
            break;
        }

        return front;
    }

    public static int Weigh<TResource, TScope, TItem>(
        TResource group,
        Func<TResource, RepeatedField<TScope>> scopesOf,
        Func<TScope, RepeatedField<TItem>> itemsOf,
        Func<TItem, int> weightOf)
    {
        int total = 0;
        foreach (var scope in scopesOf(group))
        {
            foreach (var item in itemsOf(scope))
            {
                total += weightOf(item);
            }
        }

        return total;
    }

    /// <summary>A copy of <paramref name="parent"/> without its children (they are moved separately).</summary>
    private static TParent ShellOf<TParent, TChild>(TParent parent, Func<TParent, RepeatedField<TChild>> childrenOf)
        where TParent : IDeepCloneable<TParent>
    {
        var children = childrenOf(parent);
        var saved = children.ToArray();
        children.Clear();
        var shell = parent.Clone();
        children.AddRange(saved);
        return shell;
    }
}

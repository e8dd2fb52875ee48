using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Agent.Core.Model;

/// <summary>
/// Splits the three-level OTLP shape (resource group → scope group → items) shared by spans, metrics and logs,
/// so each batch type only says how to reach its levels.
/// </summary>
internal static class OtlpGroups
{
    /// <summary>
    /// Moves the first <paramref name="maxItems"/> units (by <paramref name="weightOf"/>) out of
    /// <paramref name="groups"/> into the returned groups, keeping their order. A group or scope cut in two is
    /// copied without its children, so both halves keep their resource and scope. An item heavier than what is
    /// left is cut by <paramref name="takeFront"/> when given; otherwise it moves whole only when nothing else has
    /// moved yet (progress beats precision), so the front never exceeds <paramref name="maxItems"/> except then.
    /// Whole runs move in bulk: the cost is linear in the size of the batch, not quadratic.
    /// </summary>
    public static RepeatedField<TResource> SplitFront<TResource, TScope, TItem>(
        RepeatedField<TResource> groups,
        int maxItems,
        Func<TResource, RepeatedField<TScope>> scopesOf,
        Func<TScope, RepeatedField<TItem>> itemsOf,
        Func<TItem, int> weightOf,
        Func<TItem, int, TItem>? takeFront = null)
        where TResource : IMessage<TResource>, IDeepCloneable<TResource>
        where TScope : IMessage<TScope>, IDeepCloneable<TScope>
    {
        var front = new RepeatedField<TResource>();
        int budget = maxItems;

        int wholeGroups = 0;
        while (wholeGroups < groups.Count && budget > 0)
        {
            int weight = Weigh(groups[wholeGroups], scopesOf, itemsOf, weightOf);
            if (weight > budget)
            {
                break;
            }

            budget -= weight;
            wholeGroups++;
        }

        MoveFront(groups, wholeGroups, front);
        if (budget <= 0 || groups.Count == 0)
        {
            return front;
        }

        // The next group does not fit: a shell copy of its resource takes the first scopes and items.
        var group = groups[0];
        var scopes = scopesOf(group);
        var shell = ShellOf(group, scopesOf);
        int wholeScopes = 0;
        while (wholeScopes < scopes.Count && budget > 0)
        {
            int weight = WeighScope(scopes[wholeScopes], itemsOf, weightOf);
            if (weight > budget)
            {
                break;
            }

            budget -= weight;
            wholeScopes++;
        }

        MoveFront(scopes, wholeScopes, scopesOf(shell));
        if (budget > 0 && scopes.Count > 0)
        {
            var scope = scopes[0];
            var items = itemsOf(scope);
            var scopeShell = ShellOf(scope, itemsOf);
            int wholeItems = 0;
            while (wholeItems < items.Count && budget > 0)
            {
                int weight = weightOf(items[wholeItems]);
                if (weight > budget)
                {
                    break;
                }

                budget -= weight;
                wholeItems++;
            }

            MoveFront(items, wholeItems, itemsOf(scopeShell));
            if (budget > 0 && items.Count > 0)
            {
                if (takeFront is not null)
                {
                    itemsOf(scopeShell).Add(takeFront(items[0], budget));
                }
                else if (budget == maxItems)
                {
                    itemsOf(scopeShell).Add(items[0]);
                    items.RemoveAt(0);
                }
            }

            if (itemsOf(scopeShell).Count > 0)
            {
                scopesOf(shell).Add(scopeShell);
            }
        }

        if (scopesOf(shell).Count > 0)
        {
            front.Add(shell);
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
            total += WeighScope(scope, itemsOf, weightOf);
        }

        return total;
    }

    private static int WeighScope<TScope, TItem>(TScope scope, Func<TScope, RepeatedField<TItem>> itemsOf, Func<TItem, int> weightOf)
    {
        int total = 0;
        foreach (var item in itemsOf(scope))
        {
            total += weightOf(item);
        }

        return total;
    }

    /// <summary>Moves the first <paramref name="count"/> elements of <paramref name="source"/> to the end of <paramref name="target"/>.</summary>
    internal static void MoveFront<T>(RepeatedField<T> source, int count, RepeatedField<T> target)
    {
        if (count <= 0)
        {
            return;
        }

        if (count >= source.Count)
        {
            target.AddRange(source);
            source.Clear();
            return;
        }

        var rest = new T[source.Count - count];
        for (int i = 0; i < count; i++)
        {
            target.Add(source[i]);
        }

        for (int i = count; i < source.Count; i++)
        {
            rest[i - count] = source[i];
        }

        source.Clear();
        source.AddRange(rest);
    }

    /// <summary>A copy of <paramref name="parent"/> without its children (they are moved separately).</summary>
    internal static TParent ShellOf<TParent, TChild>(TParent parent, Func<TParent, RepeatedField<TChild>> childrenOf)
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

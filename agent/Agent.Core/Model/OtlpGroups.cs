using System.Buffers;
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
    /// Whole runs move in bulk and in place: the cost is linear in the size of the batch, not quadratic, and big
    /// batches do not allocate large temporary arrays. A null <paramref name="weightOf"/> means every item weighs 1.
    /// </summary>
    public static RepeatedField<TResource> SplitFront<TResource, TScope, TItem>(
        RepeatedField<TResource> groups,
        int maxItems,
        Func<TResource, RepeatedField<TScope>> scopesOf,
        Func<TScope, RepeatedField<TItem>> itemsOf,
        Func<TItem, int>? weightOf,
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
            if (weightOf is null)
            {
                wholeItems = Math.Min(items.Count, budget);
                budget -= wholeItems;
            }
            else
            {
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
        Func<TItem, int>? weightOf)
    {
        // Index loops: RepeatedField's enumerator is an iterator behind an interface, slow on big batches.
        var scopes = scopesOf(group);
        int total = 0;
        for (int i = 0; i < scopes.Count; i++)
        {
            total += WeighScope(scopes[i], itemsOf, weightOf);
        }

        return total;
    }

    private static int WeighScope<TScope, TItem>(TScope scope, Func<TScope, RepeatedField<TItem>> itemsOf, Func<TItem, int>? weightOf)
    {
        var items = itemsOf(scope);
        if (weightOf is null)
        {
            return items.Count;
        }

        int total = 0;
        for (int i = 0; i < items.Count; i++)
        {
            total += weightOf(items[i]);
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

        target.Capacity = Math.Max(target.Capacity, target.Count + count);
        for (int i = 0; i < count; i++)
        {
            target.Add(source[i]);
        }

        // Shift the rest down in place, then drop the tail: removing the last element copies nothing.
        int rest = source.Count - count;
        for (int i = 0; i < rest; i++)
        {
            source[i] = source[i + count];
        }

        for (int i = source.Count - 1; i >= rest; i--)
        {
            source.RemoveAt(i);
        }
    }

    /// <summary>A copy of <paramref name="parent"/> without its children (they are moved separately).</summary>
    internal static TParent ShellOf<TParent, TChild>(TParent parent, Func<TParent, RepeatedField<TChild>> childrenOf)
        where TParent : IDeepCloneable<TParent>
    {
        // The children step aside during the clone; the field keeps its capacity, so putting them back allocates nothing.
        var children = childrenOf(parent);
        int count = children.Count;
        var saved = ArrayPool<TChild>.Shared.Rent(count);
        children.CopyTo(saved, 0);
        children.Clear();
        var shell = parent.Clone();
        for (int i = 0; i < count; i++)
        {
            children.Add(saved[i]);
        }

        Array.Clear(saved, 0, count);
        ArrayPool<TChild>.Shared.Return(saved);
        return shell;
    }
}

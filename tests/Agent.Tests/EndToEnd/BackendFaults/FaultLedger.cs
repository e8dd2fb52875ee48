namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>
/// Every item a load sent, by sequence number: the phase it was sent in and what the agent answered. Items carry
/// their number to the backend (in a line, a span id, a label), so what arrived can be matched against it.
/// </summary>
internal sealed class FaultLedger
{
    private readonly object _gate = new();
    private readonly List<(long First, int Count, string Phase, ItemOutcome Outcome)> _ranges = [];
    private readonly List<string> _otherAnswers = [];
    private long _next;

    /// <summary>The phase the load is in now: items sent from here on are counted in it.</summary>
    public string Phase { get; set; } = "warm-up";

    /// <summary>Answers that were neither success nor a retryable refusal: each one is a failure of the test.</summary>
    public IReadOnlyList<string> OtherAnswers
    {
        get
        {
            lock (_gate)
            {
                return [.. _otherAnswers];
            }
        }
    }

    /// <summary>Numbers <paramref name="count"/> new items; the first is returned.</summary>
    public long Reserve(int count) => Interlocked.Add(ref _next, count) - count;

    public void Record(long first, int count, string phase, ItemOutcome outcome)
    {
        lock (_gate)
        {
            _ranges.Add((first, count, phase, outcome));
        }
    }

    public void RecordOther(string answer)
    {
        lock (_gate)
        {
            _otherAnswers.Add(answer);
        }
    }

    /// <summary>Acknowledged items missing from <paramref name="delivered"/>.</summary>
    public int MissingFrom(IEnumerable<long> delivered)
    {
        var arrived = delivered.ToHashSet();
        lock (_gate)
        {
            return _ranges.Where(r => r.Outcome == ItemOutcome.Acknowledged)
                .Sum(r => Enumerable.Range(0, r.Count).Count(i => !arrived.Contains(r.First + i)));
        }
    }

    /// <summary>Per phase, in the order phases began: what was sent, answered and delivered.</summary>
    public IReadOnlyList<PhaseCount> Count(IReadOnlyList<long> delivered)
    {
        var copies = delivered.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        List<(long First, int Count, string Phase, ItemOutcome Outcome)> ranges;
        lock (_gate)
        {
            ranges = [.. _ranges];
        }

        return ranges.GroupBy(r => r.Phase).Select(phase =>
        {
            var count = new PhaseCount(phase.Key);
            foreach (var (first, items, _, outcome) in phase)
            {
                for (long n = first; n < first + items; n++)
                {
                    int arrived = copies.GetValueOrDefault(n);
                    count.Add(outcome, arrived);
                }
            }

            return count;
        }).ToList();
    }
}

/// <summary>The items of one phase: sent, by answer, and how many arrived how often.</summary>
internal sealed class PhaseCount(string phase)
{
    public string Phase { get; } = phase;

    public int Sent { get; private set; }

    public int Acknowledged { get; private set; }

    public int Refused { get; private set; }

    public int Unanswered { get; private set; }

    /// <summary>Distinct items that reached the backend.</summary>
    public int Delivered { get; private set; }

    /// <summary>Extra copies beyond the first.</summary>
    public int Duplicated { get; private set; }

    /// <summary>Acknowledged items that never arrived: must be 0.</summary>
    public int AcknowledgedLost { get; private set; }

    /// <summary>Items refused to the client that arrived anyway (counted refused and sent): must be 0.</summary>
    public int RefusedButDelivered { get; private set; }

    public void Add(ItemOutcome outcome, int copies)
    {
        Sent++;
        Delivered += copies > 0 ? 1 : 0;
        Duplicated += Math.Max(0, copies - 1);
        switch (outcome)
        {
            case ItemOutcome.Acknowledged:
                Acknowledged++;
                AcknowledgedLost += copies == 0 ? 1 : 0;
                break;
            case ItemOutcome.Refused:
                Refused++;
                RefusedButDelivered += copies > 0 ? 1 : 0;
                break;
            default:
                Unanswered++;
                break;
        }
    }
}

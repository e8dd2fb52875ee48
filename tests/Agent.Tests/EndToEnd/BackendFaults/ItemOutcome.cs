namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>What the agent told the source of some items.</summary>
internal enum ItemOutcome
{
    /// <summary>Taken: answered 200, or written to a file the agent tails (its checkpoint is the acknowledgement).</summary>
    Acknowledged,

    /// <summary>Refused with a retryable status (503 / 429 with Retry-After): the client keeps them and may retry.</summary>
    Refused,

    /// <summary>No answer in the client's time: the client cannot know, so the items are neither owed nor forbidden.</summary>
    Unanswered,
}

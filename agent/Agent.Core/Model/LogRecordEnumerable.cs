namespace Agent.Core.Model;

/// <summary>The records of a logs batch for <c>foreach</c>: OTLP groups first, then raw chunks, with no allocation.</summary>
public readonly struct LogRecordEnumerable(LogsBatch batch)
{
    public LogRecordEnumerator GetEnumerator() => new(batch);
}

/// <summary>Walks resource groups, scopes and records, then chunks and their entries.</summary>
public struct LogRecordEnumerator(LogsBatch batch)
{
    private int _group;
    private int _scope;
    private int _record = -1;
    private int _chunk;
    private int _entry = -1;

    public readonly LogRecordView Current
    {
        get
        {
            var groups = batch.Data.ResourceLogs;
            if (_group < groups.Count)
            {
                var group = groups[_group];
                return new LogRecordView(group.ScopeLogs[_scope].LogRecords[_record], group.Resource ??= new());
            }

            return new LogRecordView(batch.Raw[_chunk], _entry);
        }
    }

    public bool MoveNext()
    {
        var groups = batch.Data.ResourceLogs;
        while (_group < groups.Count)
        {
            var scopes = groups[_group].ScopeLogs;
            while (_scope < scopes.Count)
            {
                if (++_record < scopes[_scope].LogRecords.Count)
                {
                    return true;
                }

                _scope++;
                _record = -1;
            }

            _group++;
            _scope = 0;
        }

        while (_chunk < batch.Raw.Count)
        {
            if (++_entry < batch.Raw[_chunk].Count)
            {
                return true;
            }

            _chunk++;
            _entry = -1;
        }

        return false;
    }
}

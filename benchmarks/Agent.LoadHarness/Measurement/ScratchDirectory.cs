namespace Agent.LoadHarness.Measurement;

/// <summary>A temporary folder for one scenario's files, removed afterwards unless <c>--keep</c> asks to look at it.</summary>
internal static class ScratchDirectory
{
    public static async Task<T> UseAsync<T>(string prefix, bool keep, Action<string> progress, Func<string, Task<T>> run)
    {
        var work = Directory.CreateTempSubdirectory(prefix);
        try
        {
            return await run(work.FullName).ConfigureAwait(false);
        }
        finally
        {
            if (keep)
            {
                progress($"kept {work.FullName}");
            }
            else
            {
                work.Delete(recursive: true);
            }
        }
    }
}

using System.Runtime.InteropServices;

namespace Agent.Cli;

/// <summary>
/// A parent may start the agent with SIGHUP ignored (<c>nohup</c>, some supervisors and CI runners), and an ignored
/// signal stays ignored across exec: the runtime then installs no handler for it and a reload request would be lost
/// without a word. As the Collector does (Go's signal.Notify takes SIGHUP back), the agent restores the default
/// disposition before registering its own handler, so <c>kill -HUP</c> always reloads.
/// </summary>
internal static class InheritedSignals
{
    private const int SIGHUP = 1;
    private static readonly nint SigDfl = 0;
    private static readonly nint SigIgn = 1;

    /// <summary>True when SIGHUP was ignored on entry and now has its default disposition again.</summary>
    public static bool TakeBackHangup()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        // Read the disposition without touching it (struct sigaction begins with the handler; 256 bytes hold it all).
        var current = new byte[256];
        if (NativeSigaction(SIGHUP, 0, current) != 0 || MemoryMarshal.Read<nint>(current) != SigIgn)
        {
            return false;
        }

        NativeSignal(SIGHUP, SigDfl);
        return true;
    }

    [DllImport("libc", EntryPoint = "sigaction")]
    private static extern int NativeSigaction(int signal, nint action, [Out] byte[] previous);

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint NativeSignal(int signal, nint handler);
}

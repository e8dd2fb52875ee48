using CsCheck;

namespace Agent.Tests.Fuzz;

/// <summary>
/// How the property tests run: a fixed number of iterations on one thread (the suite shares the machine), inside
/// <see cref="Task.Run(Action)"/> so each test is async and its xunit Timeout bounds it. CsCheck draws a new seed
/// per run and prints the failing seed, shrunk, when a property fails; set the CsCheck_Seed environment variable to
/// replay it.
/// </summary>
internal static class Fuzzing
{
    /// <summary>Iterations of a cheap property (a parser over a short input).</summary>
    public const long Cheap = 2_000;

    /// <summary>Iterations of a property that builds whole requests or configurations.</summary>
    public const long Costly = 150;

    /// <summary>Iterations of a property that touches files.</summary>
    public const long OnDisk = 20;

    public static Task RunAsync<T>(Gen<T> gen, Action<T> property, long iterations, Func<T, string>? print = null) =>
        Task.Run(() => gen.Sample(property, iter: iterations, threads: 1, print: print));

    public static Task RunAsync<T1, T2>(Gen<(T1, T2)> gen, Action<T1, T2> property, long iterations) =>
        Task.Run(() => gen.Sample(property, iter: iterations, threads: 1));

    public static Task RunAsync<T1, T2, T3>(Gen<(T1, T2, T3)> gen, Action<T1, T2, T3> property, long iterations) =>
        Task.Run(() => gen.Sample(property, iter: iterations, threads: 1));

    /// <summary>Short byte strings of any value, with the bytes parsers care about over-represented.</summary>
    public static Gen<byte[]> Bytes(int maxLength) =>
        Gen.Frequency((3, Gen.Byte), (2, Gen.OneOf("\n\r \t\"\\{}:,=#.-+Z0123456789PF"u8.ToArray())))
            .Array[0, maxLength];

    /// <summary><paramref name="valid"/> damaged a few times: bytes flipped, cut short, spans dropped, doubled or inserted.</summary>
    public static Gen<byte[]> Mutated(byte[] valid) =>
        Gen.Int[1, 4].SelectMany(count => Mutation.Array[count]).Select(mutations =>
        {
            var bytes = new List<byte>(valid);
            foreach (var mutate in mutations)
            {
                mutate(bytes);
            }

            return bytes.ToArray();
        });

    /// <summary>Picks one of <paramref name="valid"/> and damages it.</summary>
    public static Gen<byte[]> Mutated(params byte[][] valid) => Gen.OneOf(valid).SelectMany(Mutated);

    private static Gen<Action<List<byte>>> Mutation { get; } = Gen.Select(Gen.Int[0, 5], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Byte)
        .Select<int, double, double, byte, Action<List<byte>>>((kind, where, span, value) => bytes =>
        {
            int at = (int)(where * bytes.Count);
            int length = Math.Min(bytes.Count - at, 1 + (int)(span * 16));
            switch (kind)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2 when length > 0:
                    bytes.RemoveRange(at, length);
                    break;
                case 3 when length > 0:
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 4:
                    bytes.Insert(at, value);
                    break;
                default:
                    bytes.Insert(at, (byte)"\n\"\\{}[]:,#\0\xff"[(int)(span * 12) % 12]);
                    break;
            }
        });
}

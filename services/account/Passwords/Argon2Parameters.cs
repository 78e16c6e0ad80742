namespace Auth.Platform.Account.Passwords;

/// <summary>Argon2id cost: memory in KiB, iterations (t) and lanes (p).</summary>
public sealed record Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>
    /// OWASP's "m=7 MiB, t=5, p=1" option (Password Storage Cheat Sheet): the same strength as 19 MiB/t=2 at a third of
    /// the memory, which matters when many sign-ins hash at once. Measured on this 2-core machine (bench/PasswordHashing,
    /// Release, Konscious 1.3.1) while other builds kept the load average at 11-17: 56-85 ms per hash sequentially,
    /// 12-18 hashes/s with both cores busy; the native reference (libargon2's argon2 CLI) takes 35 ms for the same
    /// parameters, so the managed implementation costs about 1.6x. Raise the parameters later: stored hashes carry their
    /// own, and are rehashed on the next successful sign-in.
    /// </summary>
    public static Argon2Parameters Current { get; } = new(7168, 5, 1);

    /// <summary>Upper bounds accepted when reading a stored hash, so a tampered row cannot make us allocate gigabytes.</summary>
    public static Argon2Parameters Maximum { get; } = new(1024 * 1024, 20, 16);

    public bool IsWeakerThan(Argon2Parameters other) =>
        MemoryKiB < other.MemoryKiB || Iterations < other.Iterations || Parallelism < other.Parallelism;
}

namespace Auth.Platform.Account.Passwords;

/// <summary>Argon2id cost: memory in KiB, iterations (t) and lanes (p).</summary>
public sealed record Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>
    /// OWASP's "m=7 MiB, t=5, p=1" option (Password Storage Cheat Sheet): the same strength as 19 MiB/t=2 at a third of
    /// the memory, which matters when many sign-ins hash at once. Measured here with Konscious 1.3.1 (Release,
    /// bench/PasswordHashing, one thread, 2-core container): about 60 ms per hash (the managed implementation is
    /// slower than the 37 ms of a native one). Raise it later: stored hashes carry their own parameters and are
    /// rehashed on the next successful sign-in.
    /// </summary>
    public static Argon2Parameters Current { get; } = new(7168, 5, 1);

    /// <summary>Upper bounds accepted when reading a stored hash, so a tampered row cannot make us allocate gigabytes.</summary>
    public static Argon2Parameters Maximum { get; } = new(1024 * 1024, 20, 16);

    public bool IsWeakerThan(Argon2Parameters other) =>
        MemoryKiB < other.MemoryKiB || Iterations < other.Iterations || Parallelism < other.Parallelism;
}

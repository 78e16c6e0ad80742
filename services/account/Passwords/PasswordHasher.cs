using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Auth.Platform.Account.Passwords;

public enum PasswordVerification
{
    Failed,
    Success,
    /// <summary>Correct, but stored with weaker parameters than <see cref="Argon2Parameters.Current"/>: store a new hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// Argon2id password hashing. Each hash holds ~7 MiB for 55-85 ms, so concurrent hashes are bounded by a semaphore: a burst
/// of sign-ins queues instead of exhausting memory or starving the thread pool.
/// </summary>
public sealed class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly Argon2Parameters _current;
    private readonly SemaphoreSlim _slots;
    private readonly string _dummyHash;

    public PasswordHasher(Argon2Parameters? current = null, int? maxConcurrentHashes = null)
    {
        _current = current ?? Argon2Parameters.Current;
        var slots = maxConcurrentHashes ?? Math.Max(1, Environment.ProcessorCount);
        _slots = new SemaphoreSlim(slots, slots);
        // Random salt and random "hash" with the current parameters: verifying against it costs exactly what a real
        // user's verification costs, no password matches it, and it needs no hashing at startup.
        _dummyHash = new PhcString(_current, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(HashBytes)).ToString();
    }

    public Argon2Parameters CurrentParameters => _current;

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken);
        try { return Compute(password, RandomNumberGenerator.GetBytes(SaltBytes), _current).ToString(); }
        finally { _slots.Release(); }
    }

    /// <summary>Verifies with the parameters read from <paramref name="phc"/>; an unparseable hash never verifies.</summary>
    public async Task<PasswordVerification> VerifyAsync(string phc, string password, CancellationToken cancellationToken = default)
    {
        // Argon2 (Konscious) refuses an empty input; no stored password is empty, so it simply does not match.
        if (password.Length == 0) return PasswordVerification.Failed;
        if (ImportedPasswordDigest.IsImported(phc)) return await VerifyImportedAsync(phc, password, cancellationToken);
        if (!PhcString.TryParse(phc, out var stored)) return PasswordVerification.Failed;
        await _slots.WaitAsync(cancellationToken);
        PhcString computed;
        try { computed = Compute(password, stored!.Salt, stored.Parameters, stored.Hash.Length); }
        finally { _slots.Release(); }
        if (!CryptographicOperations.FixedTimeEquals(computed.Hash, stored.Hash)) return PasswordVerification.Failed;
        return stored.Parameters.IsWeakerThan(_current) ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Success;
    }

    /// <summary>A digest imported from another system: right → replace it with our hash (the caller stores a new one).</summary>
    private async Task<PasswordVerification> VerifyImportedAsync(string stored, string password, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try { return ImportedPasswordDigest.Verify(stored, password) ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Failed; }
        finally { _slots.Release(); }
    }

    /// <summary>
    /// Spends the time of a real verification for an unknown user (or one without a password), so the answer's
    /// timing does not reveal whether the account exists (ASVS 6.3.8, reliability B-6). Always fails.
    /// </summary>
    public async Task<PasswordVerification> VerifyDummyAsync(string password, CancellationToken cancellationToken = default)
    {
        await VerifyAsync(_dummyHash, password, cancellationToken);
        return PasswordVerification.Failed;
    }

    private static PhcString Compute(string password, byte[] salt, Argon2Parameters parameters, int hashBytes = HashBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            using var argon2 = new Argon2id(bytes)
            {
                Salt = salt,
                MemorySize = parameters.MemoryKiB,
                Iterations = parameters.Iterations,
                DegreeOfParallelism = parameters.Parallelism,
            };
            return new PhcString(parameters, salt, argon2.GetBytes(hashBytes));
        }
        finally { CryptographicOperations.ZeroMemory(bytes); }
    }
}

// Argon2id cost on this machine, with the parameters the account service uses.
//   dotnet run -c Release --project bench/PasswordHashing [-- --seconds 10]
// Sequential: one hash at a time (the latency a user sees). Parallel: one worker per core, through the hasher's own
// semaphore (the throughput a replica can give). Other processes on the machine skew both: the load average is printed.
using System.Diagnostics;
using Auth.Platform.Account.Passwords;

var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(double.Parse).FirstOrDefault(10);
var hasher = new PasswordHasher();
var p = hasher.CurrentParameters;
Console.WriteLine($"Argon2id m={p.MemoryKiB} KiB, t={p.Iterations}, p={p.Parallelism} (Konscious.Security.Cryptography.Argon2)");
Console.WriteLine($"{Environment.ProcessorCount} cores, load average {LoadAverage()}, {(Debugger.IsAttached ? "debugger attached" : "no debugger")}");

var stored = await hasher.HashAsync("warm-up password");
for (var i = 0; i < 3; i++) await hasher.VerifyAsync(stored, "warm-up password");

var (count, elapsed) = await Measure(1, seconds, () => hasher.HashAsync("correct horse battery staple"));
Report("sequential hash", count, elapsed, 1);
(count, elapsed) = await Measure(1, seconds, () => hasher.VerifyAsync(stored, "wrong password"));
Report("sequential verify", count, elapsed, 1);
(count, elapsed) = await Measure(Environment.ProcessorCount, seconds, () => hasher.HashAsync("correct horse battery staple"));
Report($"parallel hash x{Environment.ProcessorCount}", count, elapsed, Environment.ProcessorCount);
Console.WriteLine($"load average after: {LoadAverage()}");
Console.WriteLine("reproduce: dotnet run -c Release --project bench/PasswordHashing -- --seconds " + seconds);

static async Task<(int Count, TimeSpan Elapsed)> Measure(int workers, double seconds, Func<Task> operation)
{
    var count = 0;
    var stopwatch = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
    {
        while (stopwatch.Elapsed < deadline)
        {
            await operation();
            Interlocked.Increment(ref count);
        }
    })));
    return (count, stopwatch.Elapsed);
}

static void Report(string name, int count, TimeSpan elapsed, int workers) =>
    Console.WriteLine($"{name,-20} {count,5} in {elapsed.TotalSeconds:F1} s: {count / elapsed.TotalSeconds,7:F1} hashes/s, {elapsed.TotalMilliseconds * workers / count,7:F1} ms per hash");

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

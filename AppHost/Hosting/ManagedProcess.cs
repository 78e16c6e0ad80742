using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>
/// A child process in its own session (via <c>setsid</c>): Ctrl+C in the terminal reaches only the AppHost, which
/// then stops everything in order, and the whole process group (runuser + postgres, su + beam, ...) can be killed
/// as one. Its pid and start time go to a pid file so the next run can clean up after a crash.
/// </summary>
internal sealed partial class ManagedProcess
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    private readonly Process _process;
    private readonly string _pidFile;

    private ManagedProcess(Process process, string pidFile)
    {
        _process = process;
        _pidFile = pidFile;
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public Task WaitForExitAsync(CancellationToken ct = default) => _process.WaitForExitAsync(ct);

    public static ManagedProcess Start(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment,
        string? workingDirectory, ResourceLog log, string pidFile)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        startInfo.ArgumentList.Add(fileName);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
        {
            if (value is null) startInfo.Environment.Remove(key);
            else startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Append(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Append(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        File.WriteAllText(pidFile, $"{process.Id} {StartTimeOf(process.Id)}\n");
        return new ManagedProcess(process, pidFile);
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the whole group.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!_process.HasExited) Kill(Pid, signal);
        await WaitOrKillAsync(grace);
    }

    /// <summary>For resources stopped by other means (pg_ctl, the beam's own pid).</summary>
    public async Task WaitOrKillAsync(TimeSpan grace)
    {
        // HasExited, not WaitForExitAsync: the latter also waits for EOF on stdout, which a straggler holding the
        // pipe would delay for ever.
        var deadline = DateTime.UtcNow + grace;
        while (!_process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(100);
        // Also after a clean exit: grandchildren left in the group (a postgres backend, erl_child_setup) go too.
        Kill(-Pid, SIGKILL);
        await WaitGoneAsync(Pid, TimeSpan.FromSeconds(10));
        using (var flush = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try { await _process.WaitForExitAsync(flush.Token); }
            catch (OperationCanceledException) { }
        }
        File.Delete(_pidFile);
    }

    /// <summary>Until no process of the group (and the leader itself) is left, or the timeout.</summary>
    private static async Task WaitGoneAsync(int leader, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((Directory.Exists($"/proc/{leader}") || GroupHasMembers(leader)) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
    }

    private static bool GroupHasMembers(int processGroup)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[2] == processGroup.ToString(System.Globalization.CultureInfo.InvariantCulture)) return true;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return false;
    }

    /// <summary>Kills what a previous, crashed run recorded in <paramref name="pidDirectory"/>, if it is still that process.</summary>
    public static async Task<List<string>> KillStaleAsync(string pidDirectory)
    {
        var killed = new List<string>();
        if (!Directory.Exists(pidDirectory)) return killed;
        var leaders = new List<int>();
        foreach (var file in Directory.GetFiles(pidDirectory, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTimeOf(pid) == parts[1])
            {
                Kill(-pid, SIGKILL);
                Kill(pid, SIGKILL);
                leaders.Add(pid);
                killed.Add($"{Path.GetFileNameWithoutExtension(file)} (pid {pid})");
            }
            File.Delete(file);
        }
        // A dying postmaster still "owns" its data directory: the next one would refuse to start.
        foreach (var leader in leaders) await WaitGoneAsync(leader, TimeSpan.FromSeconds(10));
        return killed;
    }

    /// <summary>Field 22 of /proc/PID/stat: tells a recycled pid from ours.</summary>
    private static string StartTimeOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    public static void Kill(int pid, int signal) => _ = kill(pid, signal);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}

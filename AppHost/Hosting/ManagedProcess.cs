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
        using (var timeout = new CancellationTokenSource(grace))
        {
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { }
        }
        // Also after a clean exit: grandchildren left in the group (a postgres backend, erl_child_setup) go too.
        Kill(-Pid, SIGKILL);
        if (!_process.HasExited) await _process.WaitForExitAsync();
        File.Delete(_pidFile);
    }

    /// <summary>Kills what a previous, crashed run recorded in <paramref name="pidDirectory"/>, if it is still that process.</summary>
    public static IEnumerable<string> KillStale(string pidDirectory)
    {
        if (!Directory.Exists(pidDirectory)) yield break;
        foreach (var file in Directory.GetFiles(pidDirectory, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTimeOf(pid) == parts[1])
            {
                Kill(-pid, SIGKILL);
                Kill(pid, SIGKILL);
                yield return $"{Path.GetFileNameWithoutExtension(file)} (pid {pid})";
            }
            File.Delete(file);
        }
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

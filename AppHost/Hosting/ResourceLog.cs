namespace Auth.Platform.AppHost.Hosting;

/// <summary>
/// A resource's output: prefixed to the console (run mode), appended to <c>&lt;dataDir&gt;/logs/NAME.log</c>, and the
/// last lines kept for error messages.
/// </summary>
public sealed class ResourceLog : IDisposable
{
    private static readonly Lock ConsoleLock = new();
    private static readonly ConsoleColor[] Colors =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow];

    private readonly string _name;
    private readonly bool _console;
    private readonly ConsoleColor _color;
    private readonly StreamWriter _file;
    private readonly Queue<string> _tail = new();
    private readonly Lock _lock = new();

    public ResourceLog(string name, string logDirectory, bool console, int index)
    {
        _name = name;
        _console = console;
        _color = Colors[index % Colors.Length];
        Directory.CreateDirectory(logDirectory);
        _file = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: true) { AutoFlush = true };
    }

    public static bool UseColor => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Append(string text)
    {
        foreach (var line in text.TrimEnd('\n').Split('\n')) AppendLine(line.TrimEnd('\r'));
    }

    private void AppendLine(string line)
    {
        lock (_lock)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 20) _tail.Dequeue();
            _file.WriteLine(line);
        }
        if (!_console) return;
        lock (ConsoleLock)
        {
            if (UseColor)
            {
                Console.ForegroundColor = _color;
                Console.Write($"[{_name}] ");
                Console.ResetColor();
                Console.WriteLine(line);
            }
            else
            {
                Console.WriteLine($"[{_name}] {line}");
            }
        }
    }

    public string Tail()
    {
        lock (_lock) return string.Join(Environment.NewLine, _tail.Select(l => "    " + l));
    }

    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }
}

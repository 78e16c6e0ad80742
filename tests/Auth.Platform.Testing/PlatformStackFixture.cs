namespace Auth.Platform.Testing;

/// <summary>
/// One stack for the whole test assembly: <c>[assembly: AssemblyFixture(typeof(PlatformStackFixture))]</c>, then take
/// the fixture in a test class's constructor. Starting the stack costs seconds; tests keep their data apart instead.
/// </summary>
public sealed class PlatformStackFixture : Xunit.IAsyncLifetime
{
    private PlatformStack? _stack;

    public PlatformStack Stack => _stack ?? throw new InvalidOperationException("The stack has not started.");

    public async ValueTask InitializeAsync() => _stack = await PlatformStack.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null) await _stack.DisposeAsync();
    }
}

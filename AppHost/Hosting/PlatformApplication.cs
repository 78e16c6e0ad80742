using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>Entry point shaped like Aspire's DistributedApplication: <c>CreateBuilder(args)</c>, <c>Build().RunAsync()</c>.</summary>
public sealed class PlatformApplication
{
    private readonly PlatformApplicationBuilder _builder;

    private PlatformApplication(PlatformApplicationBuilder builder) => _builder = builder;

    public static PlatformApplicationBuilder CreateBuilder(string[] args) => new(args);

    internal static PlatformApplication Create(PlatformApplicationBuilder builder) => new(builder);

    /// <summary>Run mode by default; <c>publish [--output-path DIR]</c> writes the manifests. Returns the exit code.</summary>
    public async Task<int> RunAsync()
    {
        var repository = RepositoryLayout.Locate();
        if (_builder.IsPublish)
        {
            var output = Path.GetFullPath(_builder.Configuration["output-path"] ?? repository.Root);
            Publisher.PublishAll(_builder.Resources, _builder.Configuration, repository.Root, output);
            Console.WriteLine($"Wrote {Path.Combine(output, ManifestPublisher.FileName)} and {Path.Combine(output, "deploy")}/");
            return 0;
        }

        var options = OrchestratorOptions.FromConfiguration(_builder.Configuration, repository);
        using var stopping = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // shut down in order instead of dying with the children still up
            stopping.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var orchestrator = new Orchestrator(_builder.Resources, options);
        try
        {
            await orchestrator.StartAsync(stopping.Token);
            orchestrator.PrintSummary();
            await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            Console.WriteLine("Stopping...");
            return 0;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Console.WriteLine("Stopping...");
            return 130;
        }
        catch (ResourceStartException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}

public sealed class PlatformApplicationBuilder : PlatformBuilder
{
    internal PlatformApplicationBuilder(string[] args) : this(args.FirstOrDefault() == "publish", args.SkipWhile(a => a == "publish").ToArray())
    {
    }

    private PlatformApplicationBuilder(bool isPublish, string[] args) : base(BuildConfiguration(args)) => IsPublish = isPublish;

    public bool IsPublish { get; }

    private static IConfiguration BuildConfiguration(string[] args) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

    public PlatformApplication Build() => PlatformApplication.Create(this);
}

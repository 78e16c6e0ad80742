using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Auth.Platform.BuildingBlocks.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (connection string <c>eventbus</c>, e.g. <c>amqp://guest:guest@localhost:5672</c>) with
    /// publisher confirms, queue names prefixed by the service so two services' consumers never share a queue, and the
    /// outbox dispatcher for <typeparamref name="TContext"/>. Register the DbContext with <see cref="AddOutboxInterceptor"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformMessaging<TContext>(this IHostApplicationBuilder builder, string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null) where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString("eventbus")
            ?? throw new InvalidOperationException("ConnectionStrings:eventbus is not configured.");
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(new OutboxOptions());
        builder.Services.AddSingleton<OutboxSaveChangesInterceptor>();
        builder.Services.AddHostedService<OutboxDispatcher<TContext>>();
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            configureConsumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(connectionString), h => h.PublisherConfirmation = true);
                // Transient failures (database restart) are retried in place; what still fails goes to the _error queue.
                cfg.UseMessageRetry(r => r.Intervals(100, 500, 1000, 5000, 10000));
                cfg.PrefetchCount = 16;
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>Adds the interceptor that wakes the outbox dispatcher after a commit.</summary>
    public static DbContextOptionsBuilder AddOutboxInterceptor(this DbContextOptionsBuilder options, IServiceProvider services) =>
        options.AddInterceptors(services.GetRequiredService<OutboxSaveChangesInterceptor>());
}

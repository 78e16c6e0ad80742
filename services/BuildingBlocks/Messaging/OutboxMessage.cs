using System.Text.Json;
using Auth.Platform.BuildingBlocks.Contracts;

namespace Auth.Platform.BuildingBlocks.Messaging;

/// <summary>An integration event saved in the producer's database in the same transaction as the change it records.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    /// <summary>Full name of the event type in the Contracts namespace (never an assembly-qualified name from the wire).</summary>
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset AvailableAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage From(IntegrationEvent integrationEvent) => new()
    {
        Id = integrationEvent.EventId,
        Type = integrationEvent.GetType().FullName!,
        Payload = JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), Json),
        CreatedAt = integrationEvent.OccurredAt,
        AvailableAt = integrationEvent.OccurredAt,
    };

    /// <summary>Event types are resolved only from the Contracts assembly, so a row can never name an arbitrary type.</summary>
    internal static Type ResolveType(string typeName) =>
        typeof(IntegrationEvent).Assembly.GetType(typeName, throwOnError: false) is { } t && typeof(IntegrationEvent).IsAssignableFrom(t)
            ? t
            : throw new InvalidOperationException($"Unknown integration event type '{typeName}'.");
}

/// <summary>A message a consumer has already handled: the primary key (consumer, message id) makes handling idempotent.</summary>
public sealed class InboxMessage
{
    public string Consumer { get; set; } = "";
    public Guid MessageId { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
}

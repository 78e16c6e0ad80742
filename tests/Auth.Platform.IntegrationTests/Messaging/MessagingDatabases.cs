using Auth.Platform.Testing;
using Npgsql;

namespace Auth.Platform.IntegrationTests.Messaging;

/// <summary>
/// Reads the producer's outbox and the consumers' tables through the stack's connection strings: the only way to see
/// that an event is pending, and where each replica lands. Tests never write here except to replay an event.
/// </summary>
internal sealed class MessagingDatabases(PlatformStack stack)
{
    public sealed record OutboxRow(Guid Id, int Attempts, DateTimeOffset? DispatchedAt);

    /// <summary>The <c>UserRegistered</c> outbox row account wrote with the user.</summary>
    public Task<OutboxRow?> UserRegisteredOutboxRowAsync(string userId) => QuerySingleAsync("accountdb",
        "SELECT id, attempts, dispatched_at FROM outbox_messages WHERE type = 'Auth.Platform.BuildingBlocks.Contracts.UserRegistered' AND payload->>'userId' = @p",
        userId, r => new OutboxRow(r.GetGuid(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2)));

    public Task<string?> RecipientEmailAsync(string userId) => QuerySingleAsync("notificationdb",
        "SELECT coalesce(email, '') FROM recipients WHERE user_id = @p", userId, r => r.GetString(0));

    public Task<string?> DirectoryEmailAsync(string userId) => QuerySingleAsync("organizationdb",
        "SELECT coalesce(primary_email, '') FROM user_directory WHERE user_id = @p", userId, r => r.GetString(0));

    public async Task<long> InboxCountAsync(string database, Guid messageId)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM inbox_messages WHERE message_id = @p", connection);
        command.Parameters.AddWithValue("p", messageId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Makes account's dispatcher publish the same row again, with the same MessageId (an at-least-once redelivery).</summary>
    public Task ReplayOutboxRowAsync(Guid id) =>
        ExecuteAsync("accountdb", "UPDATE outbox_messages SET dispatched_at = NULL, available_at = now() WHERE id = @p", id);

    public Task DeleteRecipientAsync(string userId) => ExecuteAsync("notificationdb", "DELETE FROM recipients WHERE user_id = @p", userId);

    private async Task<T?> QuerySingleAsync<T>(string database, string sql, object parameter, Func<NpgsqlDataReader, T> read) where T : class
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? read(reader) : null;
    }

    private async Task ExecuteAsync(string database, string sql, object parameter)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(stack.ConnectionString(database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}

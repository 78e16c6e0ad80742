using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;

namespace Auth.Platform.UnitTests;

public class OutboxMessageTests
{
    [Fact]
    public void From_IntegrationEvent_UsesEventIdAsMessageIdAndContractTypeName()
    {
        var evt = new UserRegistered("u1", "alice", null, null);
        var row = OutboxMessage.From(evt);
        Assert.Equal(evt.EventId, row.Id);
        Assert.Equal("Auth.Platform.BuildingBlocks.Contracts.UserRegistered", row.Type);
        Assert.Contains("\"username\":\"alice\"", row.Payload);
    }
}

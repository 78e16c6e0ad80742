using Auth.Platform.Testing;

// One whole stack (PostgreSQL, Redis, RabbitMQ, every service, the gateway) for all integration tests.
[assembly: AssemblyFixture(typeof(PlatformStackFixture))]

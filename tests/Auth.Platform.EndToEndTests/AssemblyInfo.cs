using Auth.Platform.Testing;

// One whole stack per end-to-end run: starting it is the expensive part, and tests create their own data.
[assembly: AssemblyFixture(typeof(PlatformStackFixture))]

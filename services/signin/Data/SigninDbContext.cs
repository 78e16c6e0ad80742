using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Signin.Keys;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Signin.Data;

public sealed class SigninDbContext(DbContextOptions<SigninDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<StoredKey> StoredKeys => Set<StoredKey>();
    public DbSet<SigninSession> Sessions => Set<SigninSession>();
    public DbSet<SignInExperienceRow> SignInExperiences => Set<SignInExperienceRow>();
    public DbSet<TermsAcceptance> TermsAcceptances => Set<TermsAcceptance>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        // OpenIddict's applications, authorizations, scopes and tokens, with its default entities.
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<StoredKey>(k =>
        {
            k.ToTable("stored_keys");
            k.HasKey(x => x.Id);
            k.HasIndex(x => new { x.Use, x.CreatedAt });
        });
        modelBuilder.Entity<SigninSession>(s =>
        {
            s.ToTable("signin_sessions");
            s.HasKey(x => x.Id);
            // Only the hash of the cookie value is stored: a database read does not yield a usable cookie.
            s.HasIndex(x => x.CookieHash).IsUnique();
            s.HasIndex(x => x.UserId);
        });
        // Keep in step with Data/Migrations/0001_sign_in_experience.sql (existing databases get the table from there).
        modelBuilder.Entity<SignInExperienceRow>(e =>
        {
            e.ToTable("sign_in_experiences");
            e.HasKey(x => x.Id);
            e.Property(x => x.Data).HasColumnType("jsonb");
        });
        // Keep in step with Data/Migrations/0002_terms_acceptances.sql.
        modelBuilder.Entity<TermsAcceptance>(e =>
        {
            e.ToTable("terms_acceptances");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.UserId).HasDatabaseName("IX_terms_acceptances_user_id");
        });
    }
}

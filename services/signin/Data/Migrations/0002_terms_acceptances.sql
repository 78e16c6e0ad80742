-- Server-side record of terms agreements; a new database gets the same table from the EF model.
CREATE TABLE IF NOT EXISTS terms_acceptances (
    id text NOT NULL,
    user_id text NOT NULL,
    accepted_at timestamp with time zone NOT NULL,
    interaction_event text NOT NULL,
    terms_of_use_url text NULL,
    privacy_policy_url text NULL,
    CONSTRAINT "PK_terms_acceptances" PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS "IX_terms_acceptances_user_id" ON terms_acceptances (user_id);

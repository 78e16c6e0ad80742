-- Account center settings (Logto's account_centers): one row, absent until first changed (absent = Logto's seed: disabled, every field Off).
CREATE TABLE IF NOT EXISTS account_center_settings (
    id character varying(16) NOT NULL CONSTRAINT "PK_account_center_settings" PRIMARY KEY,
    enabled boolean NOT NULL,
    fields jsonb NOT NULL,
    delete_account_url character varying(2048),
    updated_at timestamp with time zone NOT NULL
);

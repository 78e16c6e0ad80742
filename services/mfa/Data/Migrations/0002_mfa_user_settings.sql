-- Per-user MFA settings (Logto's logto_config.mfa / passkeySignIn) and one TOTP factor per user held by the database.
CREATE TABLE IF NOT EXISTS mfa_user_settings (
    user_id character varying(64) NOT NULL CONSTRAINT "PK_mfa_user_settings" PRIMARY KEY,
    skipped boolean NOT NULL,
    skip_mfa_on_sign_in boolean NOT NULL,
    passkey_skipped boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_mfa_factors_user_totp ON mfa_factors (user_id) WHERE type = 'Totp';

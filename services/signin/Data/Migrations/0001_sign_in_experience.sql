-- The sign-in experience settings (one row, id 'default'); a new database gets the same table from the EF model.
CREATE TABLE IF NOT EXISTS sign_in_experiences (
    id text NOT NULL,
    data jsonb NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_sign_in_experiences" PRIMARY KEY (id)
);

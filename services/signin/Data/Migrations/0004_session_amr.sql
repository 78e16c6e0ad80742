-- Keep in step with SigninSession.Amr (new databases get the column from the EF model).
ALTER TABLE signin_sessions ADD COLUMN IF NOT EXISTS "Amr" text[] NOT NULL DEFAULT '{}';

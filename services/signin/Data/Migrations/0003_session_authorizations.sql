-- Keep in step with SigninSession.AuthorizationIds (new databases get the column from the EF model).
ALTER TABLE signin_sessions ADD COLUMN IF NOT EXISTS "AuthorizationIds" text[] NOT NULL DEFAULT '{}';

-- Verification by code (Logto's EmailVerificationCode / PhoneVerificationCode records): the address the code went to
-- (normalized), the template that says what the record proves, and notification's code id.
ALTER TABLE verification_records ADD COLUMN IF NOT EXISTS identifier_type character varying(8);
ALTER TABLE verification_records ADD COLUMN IF NOT EXISTS identifier character varying(254);
ALTER TABLE verification_records ADD COLUMN IF NOT EXISTS template_type character varying(32);
ALTER TABLE verification_records ADD COLUMN IF NOT EXISTS code_id character varying(64);

-- Organizations and memberships (Logto §13). A new database gets the same tables from the model.
CREATE TABLE organizations (
    id character varying(12) NOT NULL,
    name character varying(128) NOT NULL,
    description character varying(256),
    custom_data jsonb NOT NULL,
    is_mfa_required boolean NOT NULL,
    branding jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_organizations" PRIMARY KEY (id)
);
CREATE INDEX ix_organizations_created_at ON organizations (created_at);

CREATE TABLE organization_users (
    organization_id character varying(12) NOT NULL,
    user_id character varying(12) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_organization_users" PRIMARY KEY (organization_id, user_id),
    CONSTRAINT fk_organization_users_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_users_user_directory FOREIGN KEY (user_id) REFERENCES user_directory (user_id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_users_user_id ON organization_users (user_id);

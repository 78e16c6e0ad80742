-- The organization template (Logto §13): organization scopes, roles granting them, and the roles members hold.
-- A new database gets the same tables from the model.
CREATE TABLE organization_scopes (
    id character varying(12) NOT NULL,
    name character varying(128) NOT NULL,
    description character varying(256),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_scopes PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ux_organization_scopes_name ON organization_scopes (name);

CREATE TABLE organization_roles (
    id character varying(12) NOT NULL,
    name character varying(128) NOT NULL,
    description character varying(256),
    type character varying(32) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_roles PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ux_organization_roles_name ON organization_roles (name);

CREATE TABLE organization_role_scopes (
    role_id character varying(12) NOT NULL,
    scope_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_role_scopes PRIMARY KEY (role_id, scope_id),
    CONSTRAINT fk_organization_role_scopes_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_role_scopes_scopes FOREIGN KEY (scope_id) REFERENCES organization_scopes (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_role_scopes_scope_id ON organization_role_scopes (scope_id);

CREATE TABLE organization_user_roles (
    organization_id character varying(12) NOT NULL,
    user_id character varying(12) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_user_roles PRIMARY KEY (organization_id, user_id, role_id),
    CONSTRAINT fk_organization_user_roles_memberships FOREIGN KEY (organization_id, user_id) REFERENCES organization_users (organization_id, user_id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_user_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_user_roles_role_id ON organization_user_roles (role_id);

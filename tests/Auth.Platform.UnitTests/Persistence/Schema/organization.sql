CREATE TABLE inbox_messages (
    consumer character varying(200) NOT NULL,
    message_id uuid NOT NULL,
    processed_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_inbox_messages PRIMARY KEY (consumer, message_id)
);


CREATE TABLE organization_roles (
    id character varying(12) NOT NULL,
    name character varying(128) NOT NULL,
    description character varying(256),
    type character varying(32) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_roles PRIMARY KEY (id)
);


CREATE TABLE organization_scopes (
    id character varying(12) NOT NULL,
    name character varying(128) NOT NULL,
    description character varying(256),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_scopes PRIMARY KEY (id)
);


CREATE TABLE organizations (
    id character varying(12) NOT NULL,
    name character varying(128) NOT NULL,
    description character varying(256),
    custom_data jsonb NOT NULL,
    is_mfa_required boolean NOT NULL,
    branding jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organizations PRIMARY KEY (id)
);


CREATE TABLE outbox_messages (
    id uuid NOT NULL,
    type character varying(256) NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    available_at timestamp with time zone NOT NULL,
    attempts integer NOT NULL,
    last_error text,
    dispatched_at timestamp with time zone,
    CONSTRAINT pk_outbox_messages PRIMARY KEY (id)
);


CREATE TABLE user_directory (
    user_id character varying(12) NOT NULL,
    primary_email character varying(254),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_user_directory PRIMARY KEY (user_id)
);


CREATE TABLE organization_settings (
    id integer NOT NULL,
    organization_creation character varying(16) NOT NULL,
    owner_role_id character varying(12),
    CONSTRAINT pk_organization_settings PRIMARY KEY (id),
    CONSTRAINT fk_organization_settings_organization_roles_owner_role_id FOREIGN KEY (owner_role_id) REFERENCES organization_roles (id) ON DELETE SET NULL
);


CREATE TABLE organization_role_scopes (
    role_id character varying(12) NOT NULL,
    scope_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_role_scopes PRIMARY KEY (role_id, scope_id),
    CONSTRAINT fk_organization_role_scopes_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_role_scopes_scopes FOREIGN KEY (scope_id) REFERENCES organization_scopes (id) ON DELETE CASCADE
);


CREATE TABLE organization_applications (
    organization_id character varying(12) NOT NULL,
    application_id character varying(21) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_applications PRIMARY KEY (organization_id, application_id),
    CONSTRAINT fk_organization_applications_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);


CREATE TABLE organization_invitations (
    id character varying(12) NOT NULL,
    organization_id character varying(12) NOT NULL,
    invitee character varying(254) NOT NULL,
    inviter_id character varying(12),
    status character varying(16) NOT NULL,
    accepted_user_id character varying(12),
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_invitations PRIMARY KEY (id),
    CONSTRAINT fk_organization_invitations_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);


CREATE TABLE organization_jit_email_domains (
    organization_id character varying(12) NOT NULL,
    email_domain character varying(253) NOT NULL,
    CONSTRAINT pk_organization_jit_email_domains PRIMARY KEY (organization_id, email_domain),
    CONSTRAINT fk_organization_jit_email_domains_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);


CREATE TABLE organization_jit_roles (
    organization_id character varying(12) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_jit_roles PRIMARY KEY (organization_id, role_id),
    CONSTRAINT fk_organization_jit_roles_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_jit_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);


CREATE TABLE organization_jit_sso_connectors (
    organization_id character varying(12) NOT NULL,
    sso_connector_id character varying(128) NOT NULL,
    CONSTRAINT pk_organization_jit_sso_connectors PRIMARY KEY (organization_id, sso_connector_id),
    CONSTRAINT fk_organization_jit_sso_connectors_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);


CREATE TABLE organization_users (
    organization_id character varying(12) NOT NULL,
    user_id character varying(12) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_organization_users PRIMARY KEY (organization_id, user_id),
    CONSTRAINT fk_organization_users_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_users_user_directory FOREIGN KEY (user_id) REFERENCES user_directory (user_id) ON DELETE CASCADE
);


CREATE TABLE organization_application_roles (
    organization_id character varying(12) NOT NULL,
    application_id character varying(21) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_application_roles PRIMARY KEY (organization_id, application_id, role_id),
    CONSTRAINT fk_organization_application_roles_memberships FOREIGN KEY (organization_id, application_id) REFERENCES organization_applications (organization_id, application_id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_application_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);


CREATE TABLE organization_invitation_roles (
    invitation_id character varying(12) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_invitation_roles PRIMARY KEY (invitation_id, role_id),
    CONSTRAINT fk_organization_invitation_roles_invitations FOREIGN KEY (invitation_id) REFERENCES organization_invitations (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_invitation_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);


CREATE TABLE organization_user_roles (
    organization_id character varying(12) NOT NULL,
    user_id character varying(12) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_user_roles PRIMARY KEY (organization_id, user_id, role_id),
    CONSTRAINT fk_organization_user_roles_memberships FOREIGN KEY (organization_id, user_id) REFERENCES organization_users (organization_id, user_id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_user_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);


CREATE INDEX ix_organization_application_roles_role_id ON organization_application_roles (role_id);


CREATE INDEX ix_organization_applications_application_id ON organization_applications (application_id);


CREATE INDEX ix_organization_invitation_roles_role_id ON organization_invitation_roles (role_id);


CREATE INDEX ix_organization_invitations_invitee ON organization_invitations (invitee);


CREATE UNIQUE INDEX ux_organization_invitations_pending ON organization_invitations (organization_id, invitee) WHERE status = 'Pending';


CREATE INDEX ix_organization_jit_email_domains_email_domain ON organization_jit_email_domains (email_domain);


CREATE INDEX ix_organization_jit_roles_role_id ON organization_jit_roles (role_id);


CREATE INDEX ix_organization_jit_sso_connectors_sso_connector_id ON organization_jit_sso_connectors (sso_connector_id);


CREATE INDEX ix_organization_role_scopes_scope_id ON organization_role_scopes (scope_id);


CREATE UNIQUE INDEX ux_organization_roles_name ON organization_roles (name);


CREATE UNIQUE INDEX ux_organization_scopes_name ON organization_scopes (name);


CREATE INDEX ix_organization_settings_owner_role_id ON organization_settings (owner_role_id);


CREATE INDEX ix_organization_user_roles_role_id ON organization_user_roles (role_id);


CREATE INDEX ix_organization_users_user_id ON organization_users (user_id);


CREATE INDEX ix_organizations_created_at ON organizations (created_at);


CREATE INDEX ix_outbox_pending ON outbox_messages (available_at) WHERE dispatched_at IS NULL;


CREATE INDEX ix_user_directory_primary_email ON user_directory (primary_email);



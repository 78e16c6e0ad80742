-- Just-in-time provisioning (Logto §13): an organization's email domains and default roles.
-- A new database gets the same tables from the model.
CREATE TABLE organization_jit_email_domains (
    organization_id character varying(12) NOT NULL,
    email_domain character varying(253) NOT NULL,
    CONSTRAINT pk_organization_jit_email_domains PRIMARY KEY (organization_id, email_domain),
    CONSTRAINT fk_organization_jit_email_domains_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_jit_email_domains_email_domain ON organization_jit_email_domains (email_domain);

CREATE TABLE organization_jit_roles (
    organization_id character varying(12) NOT NULL,
    role_id character varying(12) NOT NULL,
    CONSTRAINT pk_organization_jit_roles PRIMARY KEY (organization_id, role_id),
    CONSTRAINT fk_organization_jit_roles_organizations FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_jit_roles_roles FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE
);
CREATE INDEX ix_organization_jit_roles_role_id ON organization_jit_roles (role_id);

-- The part of Keycloak 26's PostgreSQL schema that `doorkeep migrate-from-keycloak` reads.
-- Written from the table and column definitions of Keycloak's Liquibase changelogs
-- (jpa-changelog-*.xml); unquoted names, so PostgreSQL folds them to lower case as Keycloak's do.
CREATE TABLE realm (
    id VARCHAR(36) PRIMARY KEY, name VARCHAR(255) UNIQUE, enabled BOOLEAN NOT NULL DEFAULT FALSE,
    ssl_required VARCHAR(255), access_token_lifespan INTEGER, access_token_life_implicit INTEGER,
    access_code_lifespan INTEGER, access_code_lifespan_user_action INTEGER, access_code_lifespan_login INTEGER,
    sso_idle_timeout INTEGER, sso_max_lifespan INTEGER, sso_idle_timeout_remember_me INTEGER,
    sso_max_lifespan_remember_me INTEGER, offline_session_idle_timeout INTEGER,
    revoke_refresh_token BOOLEAN NOT NULL DEFAULT FALSE, refresh_token_max_reuse INTEGER DEFAULT 0,
    not_before INTEGER, remember_me BOOLEAN NOT NULL DEFAULT FALSE, events_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    events_expiration BIGINT, admin_events_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    admin_events_details_enabled BOOLEAN NOT NULL DEFAULT FALSE, login_theme VARCHAR(255),
    default_role VARCHAR(255), browser_flow VARCHAR(36), registration_flow VARCHAR(36),
    direct_grant_flow VARCHAR(36), reset_credentials_flow VARCHAR(36), client_auth_flow VARCHAR(36),
    docker_auth_flow VARCHAR(36)
);
CREATE TABLE realm_attribute (name VARCHAR(255) NOT NULL, realm_id VARCHAR(36) NOT NULL REFERENCES realm (id),
                              value TEXT, PRIMARY KEY (name, realm_id));
CREATE TABLE client (
    id VARCHAR(36) PRIMARY KEY, enabled BOOLEAN NOT NULL DEFAULT FALSE, full_scope_allowed BOOLEAN NOT NULL DEFAULT FALSE,
    client_id VARCHAR(255), not_before INTEGER, public_client BOOLEAN NOT NULL DEFAULT FALSE, secret VARCHAR(255),
    base_url VARCHAR(255), bearer_only BOOLEAN NOT NULL DEFAULT FALSE, management_url VARCHAR(255),
    surrogate_auth_required BOOLEAN NOT NULL DEFAULT FALSE, realm_id VARCHAR(36), protocol VARCHAR(255),
    node_rereg_timeout INTEGER DEFAULT 0, frontchannel_logout BOOLEAN DEFAULT FALSE,
    consent_required BOOLEAN NOT NULL DEFAULT FALSE, name VARCHAR(255),
    service_accounts_enabled BOOLEAN NOT NULL DEFAULT FALSE, client_authenticator_type VARCHAR(255),
    root_url VARCHAR(255), description VARCHAR(255), registration_token VARCHAR(255),
    standard_flow_enabled BOOLEAN NOT NULL DEFAULT TRUE, implicit_flow_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    direct_access_grants_enabled BOOLEAN NOT NULL DEFAULT FALSE, always_display_in_console BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (realm_id, client_id)
);
CREATE TABLE client_attributes (client_id VARCHAR(36) NOT NULL REFERENCES client (id), name VARCHAR(255) NOT NULL,
                                value TEXT, PRIMARY KEY (client_id, name));
CREATE TABLE redirect_uris (client_id VARCHAR(36) NOT NULL REFERENCES client (id), value VARCHAR(255) NOT NULL,
                            PRIMARY KEY (client_id, value));
CREATE TABLE web_origins (client_id VARCHAR(36) NOT NULL REFERENCES client (id), value VARCHAR(255) NOT NULL,
                          PRIMARY KEY (client_id, value));
CREATE TABLE client_scope (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255), realm_id VARCHAR(36),
                           description VARCHAR(255), protocol VARCHAR(255));
CREATE TABLE client_scope_attributes (scope_id VARCHAR(36) NOT NULL REFERENCES client_scope (id), value VARCHAR(2048),
                                      name VARCHAR(255) NOT NULL, PRIMARY KEY (scope_id, name));
CREATE TABLE client_scope_client (client_id VARCHAR(255) NOT NULL, scope_id VARCHAR(255) NOT NULL,
                                  default_scope BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (client_id, scope_id));
CREATE TABLE default_client_scope (realm_id VARCHAR(36) NOT NULL, scope_id VARCHAR(36) NOT NULL,
                                   default_scope BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (realm_id, scope_id));
CREATE TABLE keycloak_role (
    id VARCHAR(36) PRIMARY KEY, client_realm_constraint VARCHAR(255), client_role BOOLEAN DEFAULT FALSE,
    description VARCHAR(255), name VARCHAR(255), realm_id VARCHAR(255), client VARCHAR(36), realm VARCHAR(36),
    type VARCHAR(255), org_id VARCHAR(255),  -- main after 26.8.0 (JpaUpdate26_8_0_OrganizationRoles; widths not shown)
    UNIQUE (name, client_realm_constraint)
);
CREATE TABLE role_attribute (id VARCHAR(36) PRIMARY KEY, role_id VARCHAR(36) NOT NULL REFERENCES keycloak_role (id),
                             name VARCHAR(255) NOT NULL, value VARCHAR(255));
CREATE TABLE composite_role (composite VARCHAR(36) NOT NULL REFERENCES keycloak_role (id),
                             child_role VARCHAR(36) NOT NULL REFERENCES keycloak_role (id),
                             PRIMARY KEY (composite, child_role));
CREATE TABLE user_entity (
    id VARCHAR(36) PRIMARY KEY, email VARCHAR(255), email_constraint VARCHAR(255),
    email_verified BOOLEAN NOT NULL DEFAULT FALSE, enabled BOOLEAN NOT NULL DEFAULT FALSE,
    federation_link VARCHAR(255), first_name VARCHAR(255), last_name VARCHAR(255), realm_id VARCHAR(255),
    username VARCHAR(255), created_timestamp BIGINT, service_account_client_link VARCHAR(255),
    not_before INTEGER NOT NULL DEFAULT 0, UNIQUE (realm_id, username)
);
CREATE TABLE user_attribute (name VARCHAR(255) NOT NULL, value VARCHAR(255), user_id VARCHAR(36) NOT NULL,
                             id VARCHAR(36) PRIMARY KEY);
CREATE TABLE user_required_action (user_id VARCHAR(36) NOT NULL, required_action VARCHAR(255) NOT NULL,
                                   PRIMARY KEY (required_action, user_id));
CREATE TABLE required_action_provider (
    id VARCHAR(36) PRIMARY KEY, alias VARCHAR(255), name VARCHAR(255), realm_id VARCHAR(36),
    enabled BOOLEAN NOT NULL DEFAULT FALSE, default_action BOOLEAN NOT NULL DEFAULT FALSE, provider_id VARCHAR(255),
    priority INTEGER
);
CREATE TABLE required_action_config (required_action_id VARCHAR(36) NOT NULL, value TEXT, name VARCHAR(255) NOT NULL,
                                     PRIMARY KEY (required_action_id, name));
CREATE TABLE credential (
    id VARCHAR(36) PRIMARY KEY, salt BYTEA, type VARCHAR(255), user_id VARCHAR(36) REFERENCES user_entity (id),
    created_date BIGINT, user_label VARCHAR(255), secret_data TEXT, credential_data TEXT, priority INTEGER
);
CREATE TABLE user_role_mapping (role_id VARCHAR(255) NOT NULL, user_id VARCHAR(36) NOT NULL,
                                PRIMARY KEY (role_id, user_id));
CREATE TABLE user_consent (
    id VARCHAR(36) PRIMARY KEY, client_id VARCHAR(255), user_id VARCHAR(36) NOT NULL, created_date BIGINT,
    last_updated_date BIGINT, client_storage_provider VARCHAR(36), external_client_id VARCHAR(255)
);
CREATE TABLE user_consent_client_scope (user_consent_id VARCHAR(36) NOT NULL, scope_id VARCHAR(36) NOT NULL,
                                        PRIMARY KEY (user_consent_id, scope_id));
CREATE TABLE keycloak_group (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255), parent_group VARCHAR(36) NOT NULL,
                             realm_id VARCHAR(36), type INTEGER NOT NULL DEFAULT 0);
CREATE TABLE component (
    id VARCHAR(36) PRIMARY KEY, name VARCHAR(255), parent_id VARCHAR(36), provider_id VARCHAR(36),
    provider_type VARCHAR(255), realm_id VARCHAR(36) REFERENCES realm (id), sub_type VARCHAR(255)
);
CREATE TABLE component_config (id VARCHAR(36) PRIMARY KEY, component_id VARCHAR(36) NOT NULL REFERENCES component (id),
                               name VARCHAR(255) NOT NULL, value TEXT);
CREATE TABLE offline_user_session (
    user_session_id VARCHAR(36) NOT NULL, user_id VARCHAR(255) NOT NULL, realm_id VARCHAR(36) NOT NULL,
    created_on INTEGER NOT NULL, offline_flag VARCHAR(4) NOT NULL, data TEXT, last_session_refresh INTEGER NOT NULL DEFAULT 0,
    broker_session_id VARCHAR(1024), version INTEGER DEFAULT 0, remember_me BOOLEAN,
    PRIMARY KEY (user_session_id, offline_flag)
);
CREATE TABLE offline_client_session (
    user_session_id VARCHAR(36) NOT NULL, client_id VARCHAR(255) NOT NULL, offline_flag VARCHAR(4) NOT NULL,
    timestamp INTEGER, data TEXT, client_storage_provider VARCHAR(36) NOT NULL DEFAULT 'local',
    external_client_id VARCHAR(255) NOT NULL DEFAULT 'local', version INTEGER DEFAULT 0,
    PRIMARY KEY (user_session_id, client_id, client_storage_provider, external_client_id, offline_flag)
);
CREATE TABLE group_attribute (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255) NOT NULL, value VARCHAR(255),
                              group_id VARCHAR(36) NOT NULL);
CREATE TABLE group_role_mapping (role_id VARCHAR(36) NOT NULL, group_id VARCHAR(36) NOT NULL,
                                 PRIMARY KEY (role_id, group_id));
CREATE TABLE user_group_membership (group_id VARCHAR(36) NOT NULL, user_id VARCHAR(36) NOT NULL,
                                    membership_type VARCHAR(255) NOT NULL, PRIMARY KEY (group_id, user_id));
CREATE TABLE realm_default_groups (realm_id VARCHAR(36) NOT NULL REFERENCES realm (id), group_id VARCHAR(36) NOT NULL,
                                   PRIMARY KEY (realm_id, group_id), UNIQUE (group_id));
CREATE TABLE protocol_mapper (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255) NOT NULL, protocol VARCHAR(255) NOT NULL,
                              protocol_mapper_name VARCHAR(255) NOT NULL, client_id VARCHAR(36) REFERENCES client (id),
                              client_scope_id VARCHAR(36) REFERENCES client_scope (id));
CREATE TABLE protocol_mapper_config (protocol_mapper_id VARCHAR(36) NOT NULL REFERENCES protocol_mapper (id),
                                     value TEXT, name VARCHAR(255) NOT NULL, PRIMARY KEY (protocol_mapper_id, name));
CREATE TABLE scope_mapping (client_id VARCHAR(36) NOT NULL REFERENCES client (id), role_id VARCHAR(36) NOT NULL,
                            PRIMARY KEY (client_id, role_id));
CREATE TABLE client_scope_role_mapping (scope_id VARCHAR(36) NOT NULL REFERENCES client_scope (id),
                                       role_id VARCHAR(36) NOT NULL, PRIMARY KEY (scope_id, role_id));
CREATE TABLE authentication_flow (id VARCHAR(36) PRIMARY KEY, alias VARCHAR(255), description VARCHAR(255),
                                  realm_id VARCHAR(36), provider_id VARCHAR(36) NOT NULL DEFAULT 'basic-flow',
                                  top_level BOOLEAN NOT NULL DEFAULT FALSE, built_in BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE authentication_execution (id VARCHAR(36) PRIMARY KEY, alias VARCHAR(255), authenticator VARCHAR(36),
                                       realm_id VARCHAR(36), flow_id VARCHAR(36), requirement INTEGER,
                                       priority INTEGER, authenticator_flow BOOLEAN NOT NULL DEFAULT FALSE,
                                       auth_flow_id VARCHAR(36), auth_config VARCHAR(36));
CREATE TABLE authenticator_config (id VARCHAR(36) PRIMARY KEY, alias VARCHAR(255), realm_id VARCHAR(36));
CREATE TABLE authenticator_config_entry (authenticator_id VARCHAR(36) NOT NULL, value TEXT, name VARCHAR(255) NOT NULL,
                                         PRIMARY KEY (authenticator_id, name));
CREATE TABLE identity_provider (
    internal_id VARCHAR(36) PRIMARY KEY, enabled BOOLEAN NOT NULL DEFAULT FALSE, provider_alias VARCHAR(255),
    provider_id VARCHAR(255), store_token BOOLEAN NOT NULL DEFAULT FALSE,
    authenticate_by_default BOOLEAN NOT NULL DEFAULT FALSE, realm_id VARCHAR(36) REFERENCES realm (id),
    add_token_role BOOLEAN NOT NULL DEFAULT TRUE, trust_email BOOLEAN NOT NULL DEFAULT FALSE,
    first_broker_login_flow_id VARCHAR(36), post_broker_login_flow_id VARCHAR(36), provider_display_name VARCHAR(255),
    link_only BOOLEAN NOT NULL DEFAULT FALSE, organization_id VARCHAR(255), hide_on_login BOOLEAN DEFAULT FALSE
);
CREATE TABLE identity_provider_config (identity_provider_id VARCHAR(36) NOT NULL REFERENCES identity_provider (internal_id),
                                       value TEXT, name VARCHAR(255) NOT NULL, PRIMARY KEY (identity_provider_id, name));
CREATE TABLE identity_provider_mapper (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255) NOT NULL,
                                       idp_alias VARCHAR(255) NOT NULL, idp_mapper_name VARCHAR(255) NOT NULL,
                                       realm_id VARCHAR(36) NOT NULL REFERENCES realm (id));
CREATE TABLE idp_mapper_config (idp_mapper_id VARCHAR(36) NOT NULL REFERENCES identity_provider_mapper (id),
                                value TEXT, name VARCHAR(255) NOT NULL, PRIMARY KEY (idp_mapper_id, name));
CREATE TABLE federated_identity (identity_provider VARCHAR(255) NOT NULL, realm_id VARCHAR(36),
                                 federated_user_id VARCHAR(255), federated_username VARCHAR(255), token TEXT,
                                 user_id VARCHAR(36) NOT NULL REFERENCES user_entity (id),
                                 PRIMARY KEY (identity_provider, user_id));
CREATE TABLE org (id VARCHAR(255) PRIMARY KEY, enabled BOOLEAN NOT NULL, realm_id VARCHAR(255) NOT NULL,
                  group_id VARCHAR(255) NOT NULL UNIQUE, name VARCHAR(255) NOT NULL, description VARCHAR(4000),
                  alias VARCHAR(255) NOT NULL, redirect_url VARCHAR(2048),
                  default_role_id VARCHAR(36),  -- main after 26.8.0 (width not shown by the stored source)
                  UNIQUE (realm_id, name), UNIQUE (realm_id, alias));
CREATE TABLE org_domain (id VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL, verified BOOLEAN NOT NULL,
                         org_id VARCHAR(255) NOT NULL, PRIMARY KEY (id, name));
CREATE TABLE org_invitation (id VARCHAR(36) PRIMARY KEY, organization_id VARCHAR(255) NOT NULL,
                             email VARCHAR(255) NOT NULL, first_name VARCHAR(255), last_name VARCHAR(255),
                             created_at INTEGER NOT NULL, expires_at INTEGER, invite_link VARCHAR(2048));

// Port of Keycloak's js/libs/keycloak-admin-client/test/clientRegistrationPolicies.ts against Doorkeep.
// Its one `it` is kept. Keycloak's own runner never runs that file (mocha takes test/**/*.spec.ts), and
// the call it makes, client.clientRegistrationPolicies.find(), names a resource the pinned
// @keycloak/keycloak-admin-client 26.8.0 does not have (it would throw a TypeError before any request).
// The port lists the realm's client registration policies the way Keycloak's admin console does, as the
// components of type ClientRegistrationPolicy (components.find with that type), and the policy providers
// of ClientRegistrationPolicyResource (GET client-registration-policy/providers) with the same token.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { baseUrl, connect } from "./support.mjs";

const POLICY_TYPE = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy";

describe("Client Registration Policies", () => {
  let client;

  before(async () => {
    client = await connect();
  });

  it("list client registration policies", async () => {
    const clientRegistrationPolicies = await client.components.find({ type: POLICY_TYPE });
    assert.ok(clientRegistrationPolicies);

    const response = await fetch(`${baseUrl}/admin/realms/master/client-registration-policy/providers`, {
      headers: { authorization: `Bearer ${await client.getAccessToken()}` },
    });
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(await response.json()));
  });
});

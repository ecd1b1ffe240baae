// Port of Keycloak's js/libs/keycloak-admin-client/test/clientPolicies.spec.ts against Doorkeep.
// Every `it` of the spec is kept, unchanged. The spec leaves master with its policy "new_test_policy"
// and its profile "test" (as against Keycloak); the runner gives each spec a fresh server.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { connect } from "./support.mjs";

describe("Client Policies", () => {
  let kc;
  const newPolicy = { name: "new_test_policy" };

  before(async () => {
    kc = await connect();
  });

  it("creates/updates client policy", async () => {
    const createdPolicy = await kc.clientPolicies.updatePolicy({ policies: [newPolicy] });
    assert.deepEqual(createdPolicy, "");
  });

  it("lists client policy profiles", async () => {
    const profiles = await kc.clientPolicies.listProfiles({ includeGlobalProfiles: true });
    assert.ok(profiles);
  });

  it("create client policy profiles", async () => {
    const profiles = await kc.clientPolicies.listProfiles({ includeGlobalProfiles: true });
    const newClientProfiles = {
      profiles: [{ name: "test", executors: [] }],
      globalProfiles: profiles.globalProfiles,
    };
    const createdClientProfile = await kc.clientPolicies.createProfiles(newClientProfiles);
    assert.deepEqual(createdClientProfile, "");
  });

  it("lists client policy policies", async () => {
    const policies = await kc.clientPolicies.listPolicies();
    assert.ok(policies);
  });
});

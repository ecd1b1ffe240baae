// Port of Keycloak's js/libs/keycloak-admin-client/test/attackDetection.spec.ts against Doorkeep.
// Every `it` of the spec is kept. One change: the spec's expected status has the four keys of older
// Keycloak; Keycloak 26's AttackDetectionResource.bruteForceUserStatus also puts numTemporaryLockouts
// and failedLoginNotBefore (both 0) before it returns for a realm without brute force protection.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { connect, uniqueName } from "./support.mjs";

describe("Attack Detection", () => {
  let kc;
  let currentUser;

  before(async () => {
    kc = await connect();
    currentUser = await kc.users.create({ username: uniqueName() });
  });

  after(async () => {
    await kc.users.del({ id: currentUser.id });
  });

  it("list attack detection for user", async () => {
    const status = await kc.attackDetection.findOne({ id: currentUser.id });
    assert.deepEqual(status, {
      numFailures: 0,
      disabled: false,
      lastIPFailure: "n/a",
      lastFailure: 0,
      numTemporaryLockouts: 0,
      failedLoginNotBefore: 0,
      numSecondaryAuthFailures: 0, // Keycloak 26's newest map (AttackDetectionResource)
    });
  });

  it("clear any user login failures for all users", async () => {
    await kc.attackDetection.delAll();
  });

  it("clear any user login failures for a user", async () => {
    await kc.attackDetection.del({ id: currentUser.id });
  });
});

// Shared set-up of the spec ports in this folder: Keycloak's own admin-client specs
// (js/libs/keycloak-admin-client/test/*.spec.ts in keycloak/keycloak), rewritten for node:test and
// pointed at a Doorkeep server by environment variables (the KEYCLOAK_* names are read too):
//
//   DOORKEEP_BASE_URL        the server, e.g. http://127.0.0.1:18400 (required)
//   DOORKEEP_ADMIN_USERNAME  master's admin (default admin)
//   DOORKEEP_ADMIN_PASSWORD  its password (default admin)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

import KcAdminClient from "@keycloak/keycloak-admin-client";

const env = (name) => process.env[`DOORKEEP_${name}`] ?? process.env[`KEYCLOAK_${name}`];

export const baseUrl = env("BASE_URL");
assert.ok(baseUrl, "DOORKEEP_BASE_URL must name the server under test");

/** What the specs' constants.ts holds: master's admin through admin-cli, password grant. */
export const credentials = {
  username: env("ADMIN_USERNAME") ?? "admin",
  password: env("ADMIN_PASSWORD") ?? "admin",
  grantType: "password",
  clientId: "admin-cli",
};

/** A KeycloakAdminClient for master, logged in as the admin. */
export async function connect() {
  const client = new KcAdminClient({ baseUrl, realmName: "master" });
  await client.auth(credentials);
  return client;
}

/** A fresh lower-case name (the specs use faker.internet.username()). */
export function uniqueName(prefix = "user") {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** A copy of `value` without the named keys (lodash's omit). */
export function omit(value, keys) {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** A copy of `value` with only the named keys (lodash's pick). */
export function pick(value, keys) {
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
}

/** chai's `expect(actual).to.deep.include(expected)` on an object: every key of expected, deep-equal. */
export function assertIncludes(actual, expected, message) {
  assert.ok(actual !== null && typeof actual === "object", message ?? `not an object: ${JSON.stringify(actual)}`);
  assert.deepEqual(pick(actual, Object.keys(expected)), expected, message);
}

/** chai's `expect(list).to.deep.include(item)` on an array: some element deep-equals item. */
export function assertHasElement(list, item, message) {
  assert.ok(Array.isArray(list), `not an array: ${JSON.stringify(list)}`);
  const found = list.some((element) => {
    try {
      assert.deepEqual(element, item);
      return true;
    } catch {
      return false;
    }
  });
  assert.ok(found, message ?? `${JSON.stringify(item)} is not among ${JSON.stringify(list)}`);
}

/** The HTTP status of a call the admin client rejected (it throws a NetworkError with `response`). */
export async function rejectionStatus(call) {
  try {
    await call();
  } catch (error) {
    return error?.response?.status ?? null;
  }
  assert.fail("the call was expected to fail");
}

// What the ported @keycloak/keycloak-admin-client specs share: an authenticated client for the server named by
// the environment, and unique names (Keycloak's own specs use faker; Node's crypto is enough here).
//
//   KEYCLOAK_BASE_URL         the server, e.g. http://127.0.0.1:18500 (required)
//   KEYCLOAK_ADMIN_USERNAME   master realm admin, "admin" unless set
//   KEYCLOAK_ADMIN_PASSWORD   its password, "admin" unless set
import { randomUUID } from "node:crypto";
import KcAdminClient from "@keycloak/keycloak-admin-client";

export const credentials = {
  username: process.env.KEYCLOAK_ADMIN_USERNAME ?? "admin",
  password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? "admin",
  grantType: "password",
  clientId: "admin-cli",
};

/** A new admin client on the master realm, logged in with the admin's password through admin-cli. */
export async function connect() {
  const baseUrl = process.env.KEYCLOAK_BASE_URL;
  if (!baseUrl) throw new Error("KEYCLOAK_BASE_URL is not set");
  const kc = new KcAdminClient({ baseUrl, realmName: "master" });
  await kc.auth(credentials);
  return kc;
}

/** A lower-case name nobody used before, like faker.internet.username().toLowerCase() in Keycloak's specs. */
export function uniqueName(prefix = "user") {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

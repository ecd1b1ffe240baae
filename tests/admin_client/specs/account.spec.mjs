// Port of Keycloak's js/libs/keycloak-admin-client/test/account.spec.ts, plus its calls against Doorkeep.
// Every `it` of the spec is kept, unchanged: each checks the request the client's `account` resource
// sends (method, path, query, Bearer token, body) to a throwaway server. The pinned
// @keycloak/keycloak-admin-client 26.8.0 has no `account` resource, so there they skip themselves
// (they run once the pinned client has one). The port adds the same four requests, sent with fetch to the
// URLs that resource builds (account/, account/linked-accounts/: trailing slashes, which JAX-RS matches as
// without), against the Account REST API of the server under test (AccountRestService,
// AccountCredentialResource, LinkedAccountsResource), for a user of master with a password and an email.
// One change there: the profile update sends the user's username and email along with the new names,
// since Keycloak's user profile treats an editable attribute left out of an account update as removed
// (DefaultAttributes.isIncludeAttributeIfNotProvided), and email is required of a user.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import KcAdminClient from "@keycloak/keycloak-admin-client";

import { createToken, startFakeServer } from "./fakeServer.mjs";
import { baseUrl, connect, uniqueName } from "./support.mjs";

const createAuthenticatedClient = (url) => {
  const client = new KcAdminClient({ baseUrl: url });
  client.setAccessToken(createToken());
  return client;
};

const NO_ACCOUNT_RESOURCE = "the pinned admin client 26.8.0 has no account resource";

function needsAccount(t) {
  if (new KcAdminClient().account === undefined) {
    t.skip(NO_ACCOUNT_RESOURCE);
    return true;
  }
  return false;
}

describe("Account resource", () => {
  it("gets account profile with userProfileMetadata query", async (t) => {
    if (needsAccount(t)) return;
    const server = await startFakeServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      assert.equal(request.method, "GET");
      assert.match(url.pathname, /^\/realms\/master\/account\/?$/);
      assert.equal(url.searchParams.get("userProfileMetadata"), "true");
      assert.match(request.headers.authorization, /^Bearer /);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ username: "demo-user" }));
    });
    try {
      const profile = await createAuthenticatedClient(server.url).account.getProfile({ userProfileMetadata: true });
      assert.equal(profile.username, "demo-user");
    } finally {
      await server.close();
    }
  });

  it("updates account profile using POST /realms/{realm}/account", async (t) => {
    if (needsAccount(t)) return;
    const server = await startFakeServer((request, response, body) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      assert.equal(request.method, "POST");
      assert.match(url.pathname, /^\/realms\/master\/account\/?$/);
      assert.match(request.headers.authorization, /^Bearer /);
      assert.deepEqual(JSON.parse(body), { firstName: "John", lastName: "Doe" });
      response.writeHead(204);
      response.end();
    });
    try {
      await createAuthenticatedClient(server.url).account.updateProfile({ firstName: "John", lastName: "Doe" });
    } finally {
      await server.close();
    }
  });

  it("sets credential label using JSON string payload", async (t) => {
    if (needsAccount(t)) return;
    const server = await startFakeServer((request, response, body) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      assert.equal(request.method, "PUT");
      assert.equal(url.pathname, "/realms/master/account/credentials/cred-1/label");
      assert.match(request.headers.authorization, /^Bearer /);
      assert.ok(request.headers["content-type"].includes("application/json"));
      assert.equal(body, '"My label"');
      response.writeHead(204);
      response.end();
    });
    try {
      await createAuthenticatedClient(server.url).account.setCredentialLabel({ credentialId: "cred-1" }, "My label");
    } finally {
      await server.close();
    }
  });

  it("lists linked accounts with query params", async (t) => {
    if (needsAccount(t)) return;
    const server = await startFakeServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      assert.equal(request.method, "GET");
      assert.match(url.pathname, /^\/realms\/master\/account\/linked-accounts\/?$/);
      assert.equal(url.searchParams.get("linked"), "true");
      assert.equal(url.searchParams.get("search"), "github");
      assert.equal(url.searchParams.get("first"), "1");
      assert.equal(url.searchParams.get("max"), "10");
      assert.match(request.headers.authorization, /^Bearer /);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify([{ connected: true, providerAlias: "github" }]));
    });
    try {
      const client = createAuthenticatedClient(server.url);
      const linked = await client.account.listLinkedAccounts({ linked: true, search: "github", first: 1, max: 10 });
      assert.equal(linked.length, 1);
      assert.equal(linked[0].providerAlias, "github");
      assert.equal(linked[0].connected, true);
    } finally {
      await server.close();
    }
  });
});

describe("Account resource against the server under test", () => {
  let kc;
  let user;
  let accessToken;
  const username = uniqueName("account");
  const email = `${username}@example.org`;
  const password = uniqueName("pw");

  const account = (path, init = {}) =>
    fetch(`${baseUrl}/realms/master/account${path}`, {
      ...init,
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json", ...init.headers },
    });

  before(async () => {
    kc = await connect();
    user = await kc.users.create({
      username,
      email,
      firstName: "Jane",
      lastName: "Roe",
      emailVerified: true,
      enabled: true,
      credentials: [{ type: "password", value: password, temporary: false }],
    });
    const login = new KcAdminClient({ baseUrl, realmName: "master" });
    await login.auth({ grantType: "password", clientId: "admin-cli", username, password });
    accessToken = login.accessToken;
  });

  after(async () => {
    await kc.users.del({ id: user.id });
  });

  it("gets account profile with userProfileMetadata query", async () => {
    const response = await account("/?userProfileMetadata=true");
    assert.equal(response.status, 200);
    const profile = await response.json();
    assert.equal(profile.username, username);
    assert.ok(Array.isArray(profile.userProfileMetadata.attributes));
  });

  it("updates account profile using POST /realms/{realm}/account", async () => {
    const response = await account("/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, email, firstName: "John", lastName: "Doe" }),
    });
    assert.equal(response.status, 204, await response.text());
    const profile = await (await account("")).json();
    assert.equal(profile.firstName, "John");
    assert.equal(profile.lastName, "Doe");
  });

  it("sets credential label using JSON string payload", async () => {
    const [credential] = await kc.users.getCredentials({ id: user.id });
    const response = await account(`/credentials/${credential.id}/label`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify("My label"),
    });
    assert.equal(response.status, 204, await response.text());
    const [renamed] = await kc.users.getCredentials({ id: user.id });
    assert.equal(renamed.userLabel, "My label");
  });

  it("lists linked accounts with query params", async () => {
    const response = await account("/linked-accounts/?linked=true&search=github&first=1&max=10");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), []); // master brokers no provider, so it links none
  });
});

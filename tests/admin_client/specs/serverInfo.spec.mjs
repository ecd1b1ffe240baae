// Port of Keycloak's js/libs/keycloak-admin-client/test/serverInfo.spec.ts against Doorkeep.
// Every `it` of the spec is kept. One change: the spec calls findEffectiveMessageBundles with the realm
// only, which requests /resources/master// (empty theme type and locale segments), a path that
// ThemeResource's /{realm}/{themeType}/{locale} does not match. The port names the login theme and
// English, and checks the answer is ThemeResource.getLocalizationTexts' list of {key, value}.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { connect } from "./support.mjs";

describe("Server Info", () => {
  let kc;

  before(async () => {
    kc = await connect();
  });

  it("list server info", async () => {
    assert.ok(await kc.serverInfo.find());
  });

  it("list effective message bundles of a realm", async () => {
    const bundles = await kc.serverInfo.findEffectiveMessageBundles({ realm: "master", themeType: "login", locale: "en" });
    assert.ok(Array.isArray(bundles) && bundles.length > 0);
    assert.ok(bundles.some((entry) => entry.key === "doLogIn" && entry.value === "Sign In"));
  });
});

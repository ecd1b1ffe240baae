// panva's openid-client (v6, tests/openid_client/package.json) as a relying party of Doorkeep, driven by
// tests/interop/test_openid_client_node.py. One run reads a JSON plan on stdin:
//   {"issuer": URL, "clientId": ..., "auth": {"method": ..., "secret"?, "jwk"?}, "metadata"?: {...},
//    "execute"?: ["useJwtResponseMode", ...], "decrypt"?: {"jwk": ..., "enc": ...}, "steps": [{"op": ..., ...}]}
// and prints one JSON line: {"results": [...]}, one entry per step, either the step's value or
// {"error": {...}} with what the library threw. Steps share a state: the last token response (`tokens`),
// the DPoP key pair. The login between building an authorization URL and redeeming its code is the test's
// (over HTTP): a plan ends after `authorize`, the next plan starts with `callback` and the checks it returned.
import * as client from 'openid-client'
import { decodeJwt, decodeProtectedHeader } from 'jose'

const plan = JSON.parse(await readStdin())
const SUITES = { EC: { name: 'ECDSA', namedCurve: 'P-256' }, RSA: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } }

async function readStdin() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

async function importPrivate(jwk) {
  const key = await crypto.subtle.importKey('jwk', jwk, SUITES[jwk.kty], false, ['sign'])
  return { key, kid: jwk.kid }
}

async function clientAuth(auth) {
  switch (auth.method) {
    case 'client_secret_basic': return client.ClientSecretBasic(auth.secret)
    case 'client_secret_post': return client.ClientSecretPost(auth.secret)
    case 'client_secret_jwt': return client.ClientSecretJwt(auth.secret)
    case 'private_key_jwt': return client.PrivateKeyJwt(await importPrivate(auth.jwk))
    case 'none': return client.None()
    default: throw new Error(`unknown auth method ${auth.method}`)
  }
}

// A DPoP key pair the test can hand to a later run: exported as JWKs, imported back with the same suite.
async function dpopKeys(exported) {
  if (exported) {
    const { d, key_ops, ext, ...pub } = exported
    return {
      privateKey: await crypto.subtle.importKey('jwk', exported, SUITES.EC, false, ['sign']),
      publicKey: await crypto.subtle.importKey('jwk', pub, SUITES.EC, true, ['verify']),
    }
  }
  return crypto.subtle.generateKey(SUITES.EC, true, ['sign', 'verify'])
}

function claimsOf(jwt) {
  return jwt ? { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) } : null
}

function tokenResult(tokens) {
  state.first ??= tokens
  const { access_token, refresh_token, id_token, ...rest } = tokens
  return {
    ...rest,
    access_token,
    refresh_token,
    id_token,
    access: claimsOf(access_token),
    refresh: claimsOf(refresh_token),
    idClaims: tokens.claims() ?? null, // the ID token's claims, as the library validated them
    expiresIn: tokens.expiresIn() ?? null,
  }
}

function errorResult(err) {
  return {
    error: {
      name: err.name,
      code: err.code ?? null,
      message: err.message,
      error: err.error ?? null,
      error_description: err.error_description ?? null,
      status: err.status ?? err.response?.status ?? null,
      cause: err.cause instanceof Error ? err.cause.message : err.cause ?? null,
    },
  }
}

const state = { tokens: null, first: null, dpopKeys: null }

function dpopOption() {
  return state.dpopKeys ? { DPoP: client.getDPoPHandle(config, state.dpopKeys) } : undefined
}

function pick(name) {
  if (name === 'access') return state.tokens.access_token
  if (name === 'refresh') return state.tokens.refresh_token
  if (name === 'id') return state.tokens.id_token
  if (name === 'first-refresh') return state.first.refresh_token // the refresh token of the plan's first grant
  return name
}

const STEPS = {
  async discover() {
    return config.serverMetadata()
  },
  async dpop(step) {
    state.dpopKeys = await dpopKeys(step.jwk)
    return { jwk: step.jwk ?? (await crypto.subtle.exportKey('jwk', state.dpopKeys.privateKey)) }
  },
  // Build the authorization URL (plain, pushed, as a signed request object, or both) and the checks the
  // callback needs; the URL is where the test's user agent goes.
  async authorize(step) {
    const verifier = client.randomPKCECodeVerifier()
    const checks = { pkceCodeVerifier: verifier, expectedState: client.randomState(), expectedNonce: client.randomNonce() }
    let params = {
      redirect_uri: step.redirectUri,
      scope: step.scope ?? 'openid',
      state: checks.expectedState,
      nonce: checks.expectedNonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(step.params ?? {}),
    }
    if (step.jar) params = (await client.buildAuthorizationUrlWithJAR(config, params, await importPrivate(plan.auth.jwk))).searchParams
    const url = step.par
      ? await client.buildAuthorizationUrlWithPAR(config, params, dpopOption())
      : client.buildAuthorizationUrl(config, params)
    if (step.params?.max_age) checks.maxAge = Number(step.params.max_age)
    return { url: url.href, checks }
  },
  // Redeem the response the user agent came back with: a redirect URL, or a form_post body.
  async callback(step) {
    const current = step.form
      ? new Request(step.redirectUri, { method: 'POST', body: new URLSearchParams(step.form) })
      : new URL(step.url)
    const tokens = await client.authorizationCodeGrant(config, current, { ...step.checks, idTokenExpected: true }, undefined, dpopOption())
    state.tokens = tokens
    return tokenResult(tokens)
  },
  // The implicit flow's response_type=id_token: the ID token from the fragment, validated.
  async implicit(step) {
    const { expectedNonce, ...checks } = step.checks
    return client.implicitAuthentication(config, new URL(step.url), expectedNonce, checks)
  },
  async refresh(step) {
    const tokens = await client.refreshTokenGrant(config, pick(step.token ?? 'refresh'), step.params, dpopOption())
    state.tokens = tokens
    return tokenResult(tokens)
  },
  async clientCredentials(step) {
    const tokens = await client.clientCredentialsGrant(config, step.params, dpopOption())
    state.tokens = tokens
    return tokenResult(tokens)
  },
  async tokenExchange(step) {
    const tokens = await client.genericGrantRequest(
      config,
      'urn:ietf:params:oauth:grant-type:token-exchange',
      { subject_token: pick(step.token ?? 'access'), subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', ...(step.params ?? {}) },
    )
    return tokenResult(tokens)
  },
  async introspect(step) {
    return client.tokenIntrospection(config, pick(step.token), step.params)
  },
  async revoke(step) {
    await client.tokenRevocation(config, pick(step.token), step.params)
    return { revoked: true }
  },
  async userinfo(step) {
    const token = pick(step.token ?? 'access')
    return client.fetchUserInfo(config, token, step.subject ?? decodeJwt(token).sub, dpopOption())
  },
  // A resource server's URL with the access token (and its DPoP proof): the answer's status and JSON.
  async resource(step) {
    const headers = new Headers({ accept: 'application/json' })
    const response = await client.fetchProtectedResource(config, pick('access'), new URL(step.url), 'GET', undefined, headers, dpopOption())
    return { status: response.status, body: await response.json() }
  },
  async endSession(step) {
    const params = { ...(step.params ?? {}) }
    if (step.idTokenHint) params.id_token_hint = state.tokens?.id_token ?? step.idTokenHint
    return { url: client.buildEndSessionUrl(config, params).href }
  },
  async deviceStart(step) {
    return client.initiateDeviceAuthorization(config, step.params ?? {})
  },
  async devicePoll(step) {
    const tokens = await client.pollDeviceAuthorizationGrant(config, step.response, undefined, { signal: AbortSignal.timeout(20000) })
    return tokenResult(tokens)
  },
  async cibaStart(step) {
    return client.initiateBackchannelAuthentication(config, step.params)
  },
  async cibaPoll(step) {
    const tokens = await client.pollBackchannelAuthenticationGrant(config, step.response, undefined, { signal: AbortSignal.timeout(20000) })
    return tokenResult(tokens)
  },
}

const execute = [client.allowInsecureRequests, ...(plan.execute ?? []).map((name) => client[name])]
let config
try {
  // algorithm "oauth2": RFC 8414's /.well-known/oauth-authorization-server/realms/<realm>, else OIDC Discovery's
  const options = { execute, algorithm: plan.algorithm ?? 'oidc' }
  config = await client.discovery(new URL(plan.issuer), plan.clientId, plan.metadata, await clientAuth(plan.auth), options)
  if (plan.decrypt) {
    const { jwk, enc } = plan.decrypt
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: jwk.crv }, false, ['deriveBits'])
    client.enableDecryptingResponses(config, [enc], { key, alg: jwk.alg, kid: jwk.kid })
  }
} catch (err) {
  process.stdout.write(JSON.stringify({ results: plan.steps.map(() => errorResult(err)) }) + '\n')
  process.exit(0)
}
const results = []
for (const step of plan.steps) {
  try {
    results.push(await STEPS[step.op](step))
  } catch (err) {
    results.push(errorResult(err))
  }
}
process.stdout.write(JSON.stringify({ results }) + '\n')

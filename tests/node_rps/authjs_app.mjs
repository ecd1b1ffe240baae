// Auth.js (@auth/express) with its built-in Keycloak provider, as its docs set it up: `issuer` the realm URL,
// JWT sessions, the documented refresh-token rotation in the jwt callback, and federated sign-out through the
// end-session endpoint with id_token_hint.
//   provider "keycloak": the client's real secret, scope "openid profile email offline_access", PKCE, state, nonce;
//   provider "keycloak-wrong-secret": the same client with a wrong secret (its token request fails).
// Usage: node authjs_app.mjs ISSUER PORT CLIENT_ID CLIENT_SECRET
// /auth/* is Auth.js; /federated-logout and /auth-failed are the app's; ready is printed on stdout.
import express from 'express'
import { ExpressAuth } from '@auth/express'
import Keycloak from '@auth/express/providers/keycloak'
import { getToken } from '@auth/core/jwt'
import { createRemoteJWKSet, jwtVerify } from 'jose'

const [issuer, port, clientId, clientSecret] = process.argv.slice(2)
const HOST = '127.0.0.1'
const app = `http://${HOST}:${port}`
const SECRET = 'authjs-test-only-secret-not-for-production-use'
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()

// Auth.js checks the ID token's claims (oauth4webapi) but not its signature (it came over the back channel); the
// app verifies it too, against the realm's JWKS, as apps that pass the ID token on do.
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri))
const verified = async (idToken) => (await jwtVerify(idToken, jwks, { issuer, audience: clientId })).payload
const cookies = (req) => Object.fromEntries((req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')))
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

// https://authjs.dev/guides/refresh-token-rotation: the token endpoint called from the jwt callback.
async function refreshed (token) {
  try {
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: 'refresh_token',
        refresh_token: token.refresh_token
      })
    })
    const tokensOrError = await response.json()
    if (!response.ok) throw tokensOrError
    return {
      ...token,
      access_token: tokensOrError.access_token,
      expires_at: Math.floor(Date.now() / 1000 + tokensOrError.expires_in),
      refresh_token: tokensOrError.refresh_token ?? token.refresh_token,
      id_token: tokensOrError.id_token,
      id_token_sid: (await verified(tokensOrError.id_token)).sid,
      refreshes: token.refreshes + 1,
      error: undefined
    }
  } catch (error) {
    console.error('Error refreshing access_token:', error.error ?? error.message) // the OAuth error code only
    return { ...token, error: 'RefreshTokenError', refresh_error: error.error }
  }
}

const config = {
  trustHost: true,
  secret: SECRET,
  providers: [
    Keycloak({
      clientId,
      clientSecret,
      issuer,
      authorization: { params: { scope: 'openid profile email offline_access' } },
      checks: ['pkce', 'state', 'nonce'] // Auth.js's default is PKCE alone: the state and nonce cookies too
    }),
    Keycloak({ id: 'keycloak-wrong-secret', name: 'wrong secret', clientId, clientSecret: `${clientSecret}-wrong`, issuer })
  ],
  pages: { error: '/auth-failed' },
  callbacks: {
    async jwt ({ token, account, profile }) {
      if (account) {
        return {
          ...token,
          access_token: account.access_token,
          expires_at: account.expires_at,
          refresh_token: account.refresh_token,
          id_token: account.id_token,
          id_token_sid: (await verified(account.id_token)).sid,
          username: profile.preferred_username,
          sid: profile.sid,
          refreshes: 0
        }
      }
      if (Date.now() < token.expires_at * 1000 || token.error) return token
      return refreshed(token)
    },
    // What /auth/session shows: Auth.js's user (name, email from the ID token) and, for the test, the claims
    // of the tokens the app holds (never the tokens themselves).
    async session ({ session, token }) {
      const access = claimsOf(token.access_token)
      return {
        ...session,
        username: token.username,
        sub: token.sub,
        sid: token.sid,
        refreshes: token.refreshes,
        error: token.error,
        refresh_error: token.refresh_error,
        access_token: { iat: access.iat, sid: access.sid, scope: access.scope, azp: access.azp },
        refresh_token: token.refresh_token && { typ: claimsOf(token.refresh_token).typ },
        id_token: { verified_sid: token.id_token_sid }
      }
    }
  }
}

const server = express()
server.set('trust proxy', true)
server.use('/auth', ExpressAuth(config))
server.get('/auth-failed', (req, res) => res.status(403).json({ failed: req.query.error }))
server.get('/', (req, res) => res.send('home'))
// Federated sign-out: drop Auth.js's session cookie, send the browser to Doorkeep's end-session endpoint.
server.get('/federated-logout', async (req, res) => {
  const token = await getToken({ req, secret: SECRET, secureCookie: false })
  if (!token) return res.redirect('/')
  // a session token over 4 kB (this one holds three tokens) is split in chunks: authjs.session-token.0, .1, ...
  for (const name of Object.keys(cookies(req))) {
    if (/^authjs\.session-token(\.\d+)?$/.test(name)) res.clearCookie(name)
  }
  const end = new URL(discovery.end_session_endpoint)
  end.searchParams.set('id_token_hint', token.id_token)
  end.searchParams.set('post_logout_redirect_uri', `${app}/`)
  res.redirect(end.href)
})
server.listen(Number(port), HOST, () => console.log('ready'))

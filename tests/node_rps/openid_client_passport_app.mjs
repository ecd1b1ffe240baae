// openid-client 6's Passport strategy (openid-client/passport) in front of Doorkeep: discovery on the realm's
// issuer, PKCE, the ID token validated by openid-client, and a refresh through client.refreshTokenGrant.
//   strategy "oc": the client's real secret; "oc-par": the same through pushed authorization requests (usePAR);
//   "oc-wrong-secret": a wrong secret.
// Usage: node openid_client_passport_app.mjs ISSUER PORT CLIENT_ID CLIENT_SECRET
import * as client from 'openid-client'
import { Strategy } from 'openid-client/passport'
import { HOST, claimsOf, errorPage, passport, passportApp } from './passport_common.mjs'

const [issuer, port, clientId, clientSecret] = process.argv.slice(2)
const appUrl = `http://${HOST}:${port}`
const insecure = { execute: [client.allowInsecureRequests] } // plain HTTP on 127.0.0.1, the test's server
const configs = {}

// The user Passport keeps: the ID token's claims as openid-client validated them.
const userOf = (tokens) => {
  const claims = tokens.claims()
  return {
    sub: claims.sub,
    username: claims.preferred_username,
    name: claims.name,
    email: claims.email,
    sid: claims.sid,
    scope: tokens.scope,
    tokens: { id_token: tokens.id_token, access_token: tokens.access_token, refresh_token: tokens.refresh_token }
  }
}

const strategies = [['oc', clientSecret, false], ['oc-par', clientSecret, true], ['oc-wrong-secret', `${clientSecret}-wrong`, false]]
for (const [name, secret, usePAR] of strategies) {
  const config = await client.discovery(new URL(issuer), clientId, secret, undefined, insecure)
  configs[name] = config
  const scope = 'openid profile email offline_access'
  const options = { name, config, scope, callbackURL: `${appUrl}/callback/${name}`, usePAR }
  passport.use(new Strategy(options, (tokens, verified) => verified(null, userOf(tokens))))
}

const app = passportApp(configs.oc.serverMetadata().end_session_endpoint, appUrl)
app.get('/login/:name', (req, res, next) => passport.authenticate(req.params.name)(req, res, next))
app.get('/callback/:name', (req, res, next) =>
  passport.authenticate(req.params.name, { failureRedirect: '/failed', failureMessage: true, successRedirect: '/me' })(req, res, next))
// The UserInfo endpoint with the session's access token: openid-client checks its sub against the ID token's.
app.get('/userinfo', async (req, res, next) => {
  if (!req.user) return res.status(401).json({ error: 'not signed in' })
  try {
    res.json(await client.fetchUserInfo(configs.oc, req.user.tokens.access_token, req.user.sub))
  } catch (err) {
    next(err)
  }
})
// Revocation (RFC 7009) of the offline token, as an app does when the user removes it: Doorkeep ends that offline
// session.
app.post('/revoke', async (req, res, next) => {
  if (!req.user) return res.status(401).json({ error: 'not signed in' })
  try {
    await client.tokenRevocation(configs.oc, req.user.tokens.refresh_token)
    res.json({ revoked: true })
  } catch (err) {
    next(err)
  }
})
// The refresh an app does when the access token expires: openid-client checks the new ID token against the old.
app.post('/refresh', async (req, res, next) => {
  if (!req.user) return res.status(401).json({ error: 'not signed in' })
  try {
    const before = req.user.tokens.refresh_token
    const user = userOf(await client.refreshTokenGrant(configs.oc, before))
    const rotated = user.tokens.refresh_token !== before
    req.login(user, (err) => err ? next(err) : res.json({ sid: user.sid, rotated }))
  } catch (err) {
    next(err)
  }
})
errorPage(app)
app.listen(Number(port), HOST, () => console.log('ready'))

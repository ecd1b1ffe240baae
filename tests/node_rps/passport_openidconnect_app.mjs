// passport-openidconnect (Jared Hanson's OpenID Connect strategy for Passport) in front of Doorkeep, configured
// with the endpoints of the realm's discovery document as its README shows.
//   strategy "oidc": the client's real secret; "oidc-wrong-secret": a wrong one.
// Usage: node passport_openidconnect_app.mjs ISSUER PORT CLIENT_ID CLIENT_SECRET
import OpenIDConnectStrategy from 'passport-openidconnect'
import { HOST, claimsOf, errorPage, passport, passportApp } from './passport_common.mjs'

const [issuer, port, clientId, clientSecret] = process.argv.slice(2)
const appUrl = `http://${HOST}:${port}`
const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()

function strategy (name, secret) {
  const options = {
    issuer: discovery.issuer,
    authorizationURL: discovery.authorization_endpoint,
    tokenURL: discovery.token_endpoint,
    userInfoURL: discovery.userinfo_endpoint,
    clientID: clientId,
    clientSecret: secret,
    callbackURL: `${appUrl}/callback/${name}`,
    scope: ['profile', 'email', 'offline_access'],
    nonce: true, // a nonce in the request, which the ID token must carry
    maxAge: 600 // max_age: the ID token must then carry an auth_time within it
  }
  // verify(issuer, profile, context, idToken, accessToken, refreshToken, params, cb): the user Passport keeps
  const verify = (iss, profile, context, idToken, accessToken, refreshToken, params, cb) => cb(null, {
    issuer: iss,
    id: profile.id,
    username: profile.username,
    displayName: profile.displayName,
    name: profile.name,
    emails: profile.emails,
    id_token: { sid: claimsOf(idToken).sid, nonce: claimsOf(idToken).nonce !== undefined },
    access_token: { scope: claimsOf(accessToken).scope },
    tokens: { id_token: idToken, refresh_token: refreshToken }
  })
  passport.use(name, new OpenIDConnectStrategy(options, verify))
}
strategy('oidc', clientSecret)
strategy('oidc-wrong-secret', `${clientSecret}-wrong`)

const app = passportApp(discovery.end_session_endpoint, appUrl)
app.get('/login/:name', (req, res, next) => passport.authenticate(req.params.name)(req, res, next))
app.get('/callback/:name', (req, res, next) =>
  passport.authenticate(req.params.name, { failureRedirect: '/failed', failureMessage: true, successRedirect: '/me' })(req, res, next))
errorPage(app)
app.listen(Number(port), HOST, () => console.log('ready'))

// The express scaffolding both Passport apps share: a session, Passport on it, the user's session content at /me,
// the failure page, and the logout that ends the local login and sends the browser to Doorkeep's end-session
// endpoint with the ID token as id_token_hint. Each app adds its strategies' /login/:name and /callback/:name.
import express from 'express'
import session from 'express-session'
import passport from 'passport'

export const HOST = '127.0.0.1'
export const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

export function passportApp (endSessionEndpoint, appUrl) {
  const app = express()
  app.use(session({ secret: 'passport-test-only', resave: false, saveUninitialized: false }))
  app.use(passport.initialize())
  app.use(passport.session())
  passport.serializeUser((user, done) => done(null, user))
  passport.deserializeUser((user, done) => done(null, user))
  app.get('/', (req, res) => res.send('home'))
  app.get('/me', (req, res) => {
    if (!req.user) return res.status(401).json({ error: 'not signed in' })
    const { tokens, ...shown } = req.user // the tokens stay on the server; /me shows their claims
    res.json({ ...shown, refresh_token: tokens.refresh_token && { typ: claimsOf(tokens.refresh_token).typ } })
  })
  // failureMessage: true leaves Passport's message in the session; the failure page shows it.
  app.get('/failed', (req, res) => res.status(403).json({ failed: req.session.messages ?? [] }))
  app.get('/logout', (req, res, next) => {
    const idToken = req.user?.tokens.id_token
    req.logout((err) => {
      if (err) return next(err)
      const end = new URL(endSessionEndpoint)
      end.searchParams.set('id_token_hint', idToken)
      end.searchParams.set('post_logout_redirect_uri', `${appUrl}/`)
      res.redirect(end.href)
    })
  })
  return app
}

// Passport's own errors (strategy.error) end here: the error's class, message and OAuth error code (openid-client's
// err.error, passport-openidconnect's err.code), as an app's error page shows them.
export function errorPage (app) {
  app.use((err, req, res, next) => {
    res.status(500).json({ error: err.constructor.name, message: err.message, code: err.error ?? err.code })
  })
}

export { passport }

// Keycloak's Node.js adapter keycloak-connect in two express apps, as people put it in front of Keycloak:
//   the web app (a confidential client: login, session, roles, logout, GrantManager) on APP_PORT, and
//   the API (a bearer-only client) on API_PORT.
// Each reads its keycloak.json (fetched by the test from Doorkeep's installation endpoint) and serves
// Keycloak's admin callbacks (k_logout, k_push_not_before) at its root, its client's admin URL.
// Usage: node app.mjs APP_PORT APP_KEYCLOAK_JSON API_PORT API_KEYCLOAK_JSON
// The routes under /test/ exist for the test only: they call GrantManager and show the adapter's state.
import express from 'express'
import session from 'express-session'
import Keycloak from 'keycloak-connect'
import { readFileSync } from 'node:fs'

const [appPort, appConfig, apiPort, apiConfig] = process.argv.slice(2)
const HOST = '127.0.0.1'

function readConfig (path) {
  return JSON.parse(readFileSync(path, 'utf8'))
}

function webApp () {
  const store = new session.MemoryStore()
  const keycloak = new Keycloak({ store }, readConfig(appConfig))
  const app = express()
  app.use(session({ secret: 'keycloak-connect-test-only', resave: false, saveUninitialized: true, store }))
  app.use(keycloak.middleware({ logout: '/logout', admin: '/' }))
  app.use(express.json())

  const who = (req, res) => {
    const token = req.kauth.grant.access_token.content
    res.json({ username: token.preferred_username, sid: token.sid, session: req.session.id, iat: token.iat })
  }
  app.get('/', (req, res) => res.send('home'))
  app.get('/protected', keycloak.protect(), who)
  app.get('/realm-role', keycloak.protect('realm:node-user'), who)
  app.get('/admin-only', keycloak.protect('realm:node-admin'), who)
  app.get('/app-role', keycloak.protect('reader'), who)
  app.get('/client-role', keycloak.protect('node-app:reader'), who)
  app.get('/other-client-role', keycloak.protect('node-api:writer'), who)

  // GrantManager directly: the password grant (obtainDirectly), then a refresh of that grant (ensureFreshness,
  // its access token marked expired so that the adapter refreshes it as it would after the token's lifetime).
  const grants = new Map()
  const raw = (grant) => ({
    access_token: grant.access_token.token,
    refresh_token: grant.refresh_token && grant.refresh_token.token,
    id_token: grant.id_token && grant.id_token.token
  })
  app.post('/test/direct', async (req, res) => {
    try {
      const grant = await keycloak.grantManager.obtainDirectly(req.body.username, req.body.password)
      const id = String(grants.size + 1)
      grants.set(id, grant)
      res.json({ id, ...raw(grant) })
    } catch (err) {
      res.status(401).json({ error: err.message })
    }
  })
  app.post('/test/refresh/:id', async (req, res) => {
    const grant = grants.get(req.params.id)
    grant.access_token.content.exp = 0
    try {
      const fresh = await keycloak.grantManager.ensureFreshness(grant)
      grants.set(req.params.id, fresh)
      res.json(raw(fresh))
    } catch (err) {
      res.status(401).json({ error: err.message })
    }
  })
  app.get('/test/logout-url', (req, res) => res.json({ url: keycloak.logoutUrl(req.query.redirect, req.query.hint) }))
  app.get('/test/not-before', (req, res) => res.json({ notBefore: keycloak.grantManager.notBefore }))
  return app
}

function api () {
  const keycloak = new Keycloak({}, readConfig(apiConfig))
  const app = express()
  app.use(keycloak.middleware({ logout: '/logout', admin: '/' }))
  const who = (req, res) => {
    const token = req.kauth.grant.access_token.content
    res.json({ username: token.preferred_username, azp: token.azp })
  }
  app.get('/api/ping', keycloak.protect(), who)
  app.get('/api/user', keycloak.protect('realm:node-user'), who)
  app.get('/test/not-before', (req, res) => res.json({ notBefore: keycloak.grantManager.notBefore }))
  return app
}

let listening = 0
const ready = () => { if (++listening === 2) console.log('ready') }
webApp().listen(Number(appPort), HOST, ready)
api().listen(Number(apiPort), HOST, ready)

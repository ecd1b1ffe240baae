# Ruby's openid_connect gem (Debian's ruby-openid-connect 1.2) as a Rails app uses it, one JSON command on
# standard input, one JSON answer on standard output: {"ok": ...} or {"error": class, "message": ...}.
# Driven by tests/interop/test_ruby_openid_connect.py against a real Doorkeep over plain HTTP on 127.0.0.1,
# hence SWD.url_builder = URI::HTTP (the gem's own switch for a development provider).
require 'json'
require 'openid_connect'

SWD.url_builder = URI::HTTP

def provider(issuer)
  OpenIDConnect::Discovery::Provider::Config.discover!(issuer)
end

def client(config, cmd)
  OpenIDConnect::Client.new(
    identifier: cmd['client'],
    secret: cmd['secret'],
    redirect_uri: cmd['redirect'],
    authorization_endpoint: config.authorization_endpoint,
    token_endpoint: config.token_endpoint,
    userinfo_endpoint: config.userinfo_endpoint
  )
end

def verified(config, cmd, raw, nonce)
  id_token = OpenIDConnect::ResponseObject::IdToken.decode(raw, config.jwks)
  id_token.verify!(issuer: config.issuer, client_id: cmd['client'], nonce: nonce)
  id_token.raw_attributes
end

def tokens(config, cmd, token)
  auth = cmd.fetch('auth', 'basic').to_sym
  answer = { 'access_token' => token.access_token, 'refresh_token' => token.refresh_token }
  if token.id_token
    answer['id_token'] = verified(config, cmd, token.id_token, cmd['nonce'])
    answer['raw_id_token'] = token.id_token
  end
  answer['userinfo'] = token.userinfo!.raw_attributes
  if cmd['refresh']
    rp = client(config, cmd)
    rp.refresh_token = token.refresh_token
    renewed = rp.access_token!(auth)
    answer['refreshed'] = {
      'access_token' => renewed.access_token,
      'refresh_token' => renewed.refresh_token,
      'id_token' => verified(config, cmd, renewed.id_token, nil),
      'userinfo' => renewed.userinfo!.raw_attributes
    }
  end
  answer
end

def run(cmd)
  config = provider(cmd['issuer'])
  case cmd['op']
  when 'discover'
    { 'issuer' => config.issuer, 'token_endpoint' => config.token_endpoint,
      'algs' => config.id_token_signing_alg_values_supported,
      'keys' => config.jwks.map { |key| { 'kty' => key[:kty], 'kid' => key[:kid], 'alg' => key[:alg] } } }
  when 'authorize'
    client(config, cmd).authorization_uri(
      scope: cmd['scopes'], state: cmd['state'], nonce: cmd['nonce'],
      code_challenge: cmd['challenge'], code_challenge_method: 'S256'
    )
  when 'exchange'
    rp = client(config, cmd)
    rp.authorization_code = cmd['code']
    tokens(config, cmd, rp.access_token!(cmd.fetch('auth', 'basic').to_sym, code_verifier: cmd['verifier']))
  when 'verify'
    verified(config, cmd, cmd['token'], cmd['nonce'])
  else
    raise ArgumentError, "unknown op #{cmd['op']}"
  end
end

begin
  puts JSON.generate({ 'ok' => run(JSON.parse($stdin.read)) })
rescue StandardError => e
  puts JSON.generate({ 'error' => e.class.name, 'message' => e.message })
end

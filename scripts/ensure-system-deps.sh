#!/usr/bin/env bash
# Install the Debian packages the test suite needs, but only those that are missing.
# Idempotent and silent when everything is already present. Runs as root (CI does);
# as another user it falls back to sudo.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

missing=()

have_postgres() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1
}

have_postgres || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Apache httpd and mod_auth_openidc, the relying party of tests/interop/test_mod_auth_openidc.py (never started as
# a service: the test runs its own instance on 127.0.0.1).
[[ -x /usr/sbin/apache2 ]] || missing+=(apache2)
[[ -e /usr/lib/apache2/modules/mod_auth_openidc.so ]] || missing+=(libapache2-mod-auth-openidc)
# Go and Debian's source packages of coreos/go-oidc (v2) and golang.org/x/oauth2, the relying party of
# tests/interop/test_go_oidc.py (built offline from /usr/share/gocode with GO111MODULE=off: no module proxy needed).
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[[ -e /usr/share/gocode/src/github.com/coreos/go-oidc/verify.go ]] || missing+=(golang-github-coreos-go-oidc-dev)
[[ -e /usr/share/gocode/src/golang.org/x/oauth2/oauth2.go ]] || missing+=(golang-golang-x-oauth2-dev)
# oidc-agent (Debian's command-line relying party that keeps refresh tokens for tools) and Ruby's openid_connect
# gem, the relying parties of tests/interop/test_oidc_agent.py and tests/interop/test_ruby_openid_connect.py (the
# agent runs under the test's own temporary socket directory; neither package starts a service).
command -v oidc-agent >/dev/null 2>&1 || missing+=(oidc-agent-cli)
command -v ruby >/dev/null 2>&1 || missing+=(ruby)
[[ -d /usr/share/rubygems-integration/all/gems/openid_connect-1.2.0 ]] || compgen -G "/usr/share/rubygems-integration/all/gems/openid_connect-*" >/dev/null || missing+=(ruby-openid-connect)

# systemd-analyze, which checks deploy/doorkeep.service (tests/interop/test_systemd_unit.py); nothing is started.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)

if ((${#missing[@]} == 0)); then
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
        echo "ensure-system-deps: missing ${missing[*]} and not root (no sudo either)" >&2
        exit 1
    fi
fi

echo "ensure-system-deps: installing ${missing[*]}" >&2
# The packages' services (apache2 on port 80, a PostgreSQL cluster) are not wanted: the tests start their own on
# 127.0.0.1. Where no policy-rc.d exists, one that refuses every service start is in place during the install.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

// Command go-oidc-driver is a relying party built on coreos/go-oidc v2 and golang.org/x/oauth2, as Debian packages
// them, for tests/interop/test_go_oidc.py. It reads one JSON command a line on stdin and answers each with one JSON
// line on stdout: {"ok": value} or {"error": message, "status": code, "body": token endpoint's answer}. Providers,
// tokens and token sources live for the process, so the key set a verifier has fetched is kept between commands.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	oidc "github.com/coreos/go-oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// command is one line of input; each op reads the fields it needs.
type command struct {
	Op          string   `json:"op"`
	Issuer      string   `json:"issuer"`
	Client      string   `json:"client"`
	Secret      string   `json:"secret"`
	Redirect    string   `json:"redirect"`
	Scopes      []string `json:"scopes"`
	State       string   `json:"state"`
	Nonce       string   `json:"nonce"`
	Verifier    string   `json:"verifier"`
	Code        string   `json:"code"`
	Username    string   `json:"username"`
	Password    string   `json:"password"`
	Slot        string   `json:"slot"`
	Source      string   `json:"source"`
	Token       string   `json:"token"`
	RefreshOnly bool     `json:"refreshOnly"`
	Algs        []string `json:"algs"`
	ClockSkew   int64    `json:"clockSkew"`
	AuthStyle   string   `json:"authStyle"`
	CheckAtHash bool     `json:"checkAtHash"`
}

// counter counts the requests the libraries send, by URL: the JWKS fetches are how key refetching shows.
type counter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.calls[req.URL.String()]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

type driver struct {
	ctx       context.Context
	counter   *counter
	providers map[string]*oidc.Provider
	tokens    map[string]*oauth2.Token
	sources   map[string]oauth2.TokenSource
}

func (d *driver) provider(issuer string) (*oidc.Provider, error) {
	if p, ok := d.providers[issuer]; ok {
		return p, nil
	}
	p, err := oidc.NewProvider(d.ctx, issuer) // discovery; refuses a document naming another issuer
	if err != nil {
		return nil, err
	}
	d.providers[issuer] = p
	return p, nil
}

func (d *driver) config(c command) (*oauth2.Config, error) {
	p, err := d.provider(c.Issuer)
	if err != nil {
		return nil, err
	}
	endpoint := p.Endpoint()
	endpoint.AuthStyle = styles[c.AuthStyle]
	return &oauth2.Config{
		ClientID: c.Client, ClientSecret: c.Secret, Endpoint: endpoint, RedirectURL: c.Redirect, Scopes: c.Scopes,
	}, nil
}

// styles are x/oauth2's ways of sending the client's credentials: by default it tries the Basic header, then, after
// any refusal, the form parameters (and remembers what worked for the token URL).
var styles = map[string]oauth2.AuthStyle{
	"": oauth2.AuthStyleAutoDetect, "header": oauth2.AuthStyleInHeader, "params": oauth2.AuthStyleInParams,
}

func summary(t *oauth2.Token) map[string]interface{} {
	out := map[string]interface{}{
		"access_token": t.AccessToken, "token_type": t.Type(), "refresh_token": t.RefreshToken,
		"expiry": t.Expiry.Unix(), "valid": t.Valid(),
	}
	for _, extra := range []string{"id_token", "scope", "session_state"} {
		if v, ok := t.Extra(extra).(string); ok {
			out[extra] = v
		}
	}
	return out
}

// challenge is RFC 7636's S256 code challenge: this x/oauth2 (0.3.0) predates its PKCE helpers (0.13.0), so the
// code_challenge and code_verifier go in as plain parameters, the way applications of its time sent them.
func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (d *driver) run(c command) (interface{}, error) {
	switch c.Op {
	case "discover":
		p, err := d.provider(c.Issuer)
		if err != nil {
			return nil, err
		}
		var claims map[string]interface{}
		if err := p.Claims(&claims); err != nil {
			return nil, err
		}
		return map[string]interface{}{"authURL": p.Endpoint().AuthURL, "tokenURL": p.Endpoint().TokenURL, "claims": claims}, nil
	case "authorize":
		cfg, err := d.config(c)
		if err != nil {
			return nil, err
		}
		opts := []oauth2.AuthCodeOption{oidc.Nonce(c.Nonce)}
		if c.Verifier != "" {
			opts = append(opts, oauth2.SetAuthURLParam("code_challenge", challenge(c.Verifier)),
				oauth2.SetAuthURLParam("code_challenge_method", "S256"))
		}
		return cfg.AuthCodeURL(c.State, opts...), nil
	case "exchange":
		cfg, err := d.config(c)
		if err != nil {
			return nil, err
		}
		var opts []oauth2.AuthCodeOption
		if c.Verifier != "" {
			opts = append(opts, oauth2.SetAuthURLParam("code_verifier", c.Verifier))
		}
		return d.keep(c.Slot)(cfg.Exchange(d.ctx, c.Code, opts...))
	case "password":
		cfg, err := d.config(c)
		if err != nil {
			return nil, err
		}
		return d.keep(c.Slot)(cfg.PasswordCredentialsToken(d.ctx, c.Username, c.Password))
	case "clientCredentials":
		p, err := d.provider(c.Issuer)
		if err != nil {
			return nil, err
		}
		cfg := clientcredentials.Config{
			ClientID: c.Client, ClientSecret: c.Secret, TokenURL: p.Endpoint().TokenURL, Scopes: c.Scopes,
			AuthStyle: styles[c.AuthStyle],
		}
		return d.keep(c.Slot)(cfg.Token(d.ctx))
	case "source":
		cfg, err := d.config(c)
		if err != nil {
			return nil, err
		}
		t, ok := d.tokens[c.Slot]
		if !ok {
			return nil, fmt.Errorf("no token in slot %q", c.Slot)
		}
		if c.RefreshOnly { // what an application keeps of an offline grant: the refresh token alone
			t = &oauth2.Token{RefreshToken: t.RefreshToken}
		}
		d.sources[c.Source] = cfg.TokenSource(d.ctx, t)
		return summary(t), nil
	case "sourceToken":
		src, ok := d.sources[c.Source]
		if !ok {
			return nil, fmt.Errorf("no token source %q", c.Source)
		}
		return d.keep(c.Slot)(src.Token())
	case "userinfo":
		p, err := d.provider(c.Issuer)
		if err != nil {
			return nil, err
		}
		src, ok := d.sources[c.Source]
		if !ok {
			t, found := d.tokens[c.Slot]
			if !found {
				return nil, fmt.Errorf("neither source %q nor slot %q", c.Source, c.Slot)
			}
			src = oauth2.StaticTokenSource(t)
		}
		info, err := p.UserInfo(d.ctx, src)
		if err != nil {
			return nil, err
		}
		var claims map[string]interface{}
		if err := info.Claims(&claims); err != nil {
			return nil, err
		}
		return map[string]interface{}{
			"subject": info.Subject, "email": info.Email, "emailVerified": info.EmailVerified, "claims": claims,
		}, nil
	case "verify":
		return d.verify(c)
	case "requests":
		d.counter.mu.Lock()
		defer d.counter.mu.Unlock()
		calls := map[string]int{}
		for k, v := range d.counter.calls {
			calls[k] = v
		}
		return calls, nil
	}
	return nil, fmt.Errorf("unknown op %q", c.Op)
}

// verify checks an ID token the way an application does: the library's verifier (issuer, audience, expiry,
// algorithm, signature with the provider's remote key set), then the nonce it sent, then at_hash.
func (d *driver) verify(c command) (interface{}, error) {
	p, err := d.provider(c.Issuer)
	if err != nil {
		return nil, err
	}
	raw := c.Token
	if raw == "" {
		t, ok := d.tokens[c.Slot]
		if !ok {
			return nil, fmt.Errorf("no token in slot %q", c.Slot)
		}
		raw, _ = t.Extra("id_token").(string)
	}
	config := &oidc.Config{ClientID: c.Client, SupportedSigningAlgs: c.Algs}
	if c.ClockSkew != 0 {
		config.Now = func() time.Time { return time.Now().Add(time.Duration(c.ClockSkew) * time.Second) }
	}
	token, err := p.Verifier(config).Verify(d.ctx, raw)
	if err != nil {
		return nil, err
	}
	if token.Nonce != c.Nonce {
		return nil, fmt.Errorf("nonce mismatch: sent %q, got %q", c.Nonce, token.Nonce)
	}
	if c.CheckAtHash {
		if err := token.VerifyAccessToken(d.tokens[c.Slot].AccessToken); err != nil {
			return nil, err
		}
	}
	return map[string]interface{}{
		"issuer": token.Issuer, "subject": token.Subject, "audience": token.Audience, "nonce": token.Nonce,
		"expiry": token.Expiry.Unix(), "issuedAt": token.IssuedAt.Unix(), "atHash": token.AccessTokenHash,
	}, nil
}

// keep stores a token the libraries returned under slot and answers its summary.
func (d *driver) keep(slot string) func(*oauth2.Token, error) (interface{}, error) {
	return func(t *oauth2.Token, err error) (interface{}, error) {
		if err != nil {
			return nil, err
		}
		if slot != "" {
			d.tokens[slot] = t
		}
		return summary(t), nil
	}
}

func answer(value interface{}, err error) map[string]interface{} {
	if err == nil {
		return map[string]interface{}{"ok": value}
	}
	out := map[string]interface{}{"error": err.Error()}
	var refused *oauth2.RetrieveError
	if errors.As(err, &refused) {
		var body interface{}
		if json.Unmarshal(refused.Body, &body) != nil {
			body = string(refused.Body)
		}
		out["status"], out["body"] = refused.Response.StatusCode, body
	}
	return out
}

func main() {
	count := &counter{calls: map[string]int{}}
	d := &driver{
		ctx:       oidc.ClientContext(context.Background(), &http.Client{Transport: count, Timeout: 20 * time.Second}),
		counter:   count,
		providers: map[string]*oidc.Provider{},
		tokens:    map[string]*oauth2.Token{},
		sources:   map[string]oauth2.TokenSource{},
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c command
		var reply map[string]interface{}
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			reply = answer(nil, err)
		} else {
			reply = answer(d.run(c))
		}
		if err := out.Encode(reply); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 for sqsadmin's tests.
//
// Input: one JSON object in the SQSADMIN_TEST_OIDC environment variable:
//   {"client_id": "...", "client_secret": "...", "redirect_uris": ["http://.../oidc/callback/"],
//    "users": [{"username": "...", "password": "...", "groups": ["..."], "email": "..."}]}
// It listens on a free port and prints "listening <issuer>" on stdout once it answers.
// Its own login page checks the static users' passwords; consent is granted without a page.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.SQSADMIN_TEST_OIDC);
const users = new Map(config.users.map((user) => [user.username, user]));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!doctype html><html><head><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>IdP username <input name="login" autocomplete="off"></label>
<label>IdP password <input name="password" type="password"></label>
<button type="submit">Continue to sqsadmin</button>
</form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.client_id,
        client_secret: config.client_secret,
        redirect_uris: config.redirect_uris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['sqsadmin-test-oidc-cookie-key'] },
    async findAccount(ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            preferred_username: user.username,
            name: user.name || user.username,
            email: user.email || `${user.username}@example.test`,
            email_verified: true,
            groups: user.groups,
          };
        },
      };
    },
  });
  const oidc = provider.callback();

  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    if (!match) return oidc(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        grant.addOIDCScope(details.params.scope);
        const grantId = await grant.save();
        return provider.interactionFinished(req, res, { consent: { grantId } });
      }
      if (req.method === 'POST' && match[2]) {
        const form = await readForm(req);
        const user = users.get(form.get('login'));
        if (!user || user.password !== form.get('password')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(loginPage(details.uid, 'Wrong username or password.'));
        }
        return provider.interactionFinished(req, res, { login: { accountId: user.username } });
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(loginPage(details.uid));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end(`interaction failed: ${error.message}`);
    }
  });
  process.stdout.write(`listening ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

// A real OpenID Connect provider (panva's oidc-provider) for the login's browser tests
// (tests/e2e/test_login.py). DEVELOPMENT AND TESTS ONLY: any password is accepted, the signing
// key is generated at every start, nothing is stored. Never deploy it.
//
//   node tests/e2e/oidc/provider.js --port 9400 --client-id vielfaltsmonitor \
//       --client-secret test-secret --redirect-uri http://127.0.0.1:8501/oauth2callback \
//       [--accounts accounts.json]
//
// Issuer: http://127.0.0.1:<port> (discovery at /.well-known/openid-configuration). Login is by
// the provider's own pages (devInteractions): the login field chooses the account, any password
// passes. The ID token carries sub, name, email and the claim `groups` (scope "groups"); a line
// "listening on <issuer>" on stdout says it is ready.
//
// --accounts: a JSON object {"<login>": {"name": ..., "email": ..., "groups": [...]}}; the tests
// build it from settings.toml [access]. Without it, the accounts below (the same values).

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import Provider, { interactionPolicy } from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OIDC_PORT },
    'client-id': { type: 'string', default: process.env.OIDC_CLIENT_ID },
    'client-secret': { type: 'string', default: process.env.OIDC_CLIENT_SECRET },
    'redirect-uri': { type: 'string', default: process.env.OIDC_REDIRECT_URI },
    accounts: { type: 'string', default: process.env.OIDC_ACCOUNTS },
  },
});
for (const name of ['port', 'client-id', 'client-secret', 'redirect-uri']) {
  if (!args[name]) {
    console.error(`provider.js: --${name} is required`);
    process.exit(2);
  }
}

const DEFAULT_ACCOUNTS = {
  leitung: { name: 'Lena Leitung', groups: ['vielfaltsmonitor-leitung'] },
  personalrat: { name: 'Paul Personalrat', groups: ['vielfaltsmonitor-personalrat'] },
  datenpflege: { name: 'Dana Datenpflege', groups: ['vielfaltsmonitor-datenpflege'] },
  admin: { name: 'Anton Admin', groups: ['vielfaltsmonitor-admin'] },
  // logged in, but in no group that gives a role
  ohnerolle: { name: 'Olga Ohnerolle', groups: ['alle-beschaeftigten'] },
};
const accounts = args.accounts
  ? JSON.parse(readFileSync(args.accounts, 'utf8'))
  : DEFAULT_ACCOUNTS;

const issuer = `http://127.0.0.1:${args.port}`;

// Streamlit's st.login() asks for prompt=select_account (as Keycloak and Entra ID accept it);
// oidc-provider knows only login and consent unless told. Accepted here without a page of its
// own: the login page is where the account is chosen.
const policy = interactionPolicy.base();
const selectAccount = new interactionPolicy.Prompt({ name: 'select_account', requestable: true });
selectAccount.checks.clear();
policy.add(selectAccount);

const configuration = {
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: [args['redirect-uri']],
      // st.logout() sends the user to the end_session_endpoint with its redirect_uri to come back to
      post_logout_redirect_uris: [args['redirect-uri']],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          name: account.name,
          email: account.email ?? `${sub}@jobcenter.example`,
          email_verified: true,
          groups: account.groups,
        };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Streamlit (Authlib) reads the user from the ID token alone: put the granted scopes' claims
  // into it, not only into the userinfo response
  conformIdTokenClaims: false,
  // one first-party client: no consent page (as a company's Keycloak or Entra ID is set up)
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    await grant.save();
    return grant;
  },
  interactions: { policy },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));
const server = provider.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`listening on ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API_SCOPES,
  ConfigError,
  DEV_API_KEY,
  DEV_PAYLOAD_ENCRYPTION_KEY,
  loadConfig as loadAnyConfig,
} from '../../config/index.js';
import { PRODUCTION_REQUIRED } from '../../config/production.js';
import { connectionOptionsOf } from '../../runtime/temporal.js';

/** Development unless the case says otherwise: production, the default, has its own cases below. */
const loadConfig = (env: Record<string, string>) => loadAnyConfig({ NODE_ENV: 'development', ...env });

describe('config', () => {
  it('has the dev defaults of SPEC §2', () => {
    const config = loadConfig({});
    expect(config.api).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      keys: [{ name: 'dev', secret: DEV_API_KEY, scopes: API_SCOPES }],
      publicUrl: 'http://127.0.0.1:3000',
      rateLimitPerMinute: 1_200,
      anonymousRateLimitPerMinute: 120,
      trustedProxies: undefined,
    });
    expect(config.api.pressure.maxHeapUsedBytes).toBeGreaterThan(0);
    expect(config.resultCallback.allowPrivateNetworks).toBe(true);
    expect(config.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'verifications',
    });
    expect(config.smile).toMatchObject({
      apiUrl: 'http://127.0.0.1:3100/v1',
      apiKey: 'sandbox-key',
      apiSecret: 'sandbox-secret',
      webhookSecret: 'sandbox-webhook-secret',
    });
    expect(config.smile.webhookAllowedIps).toBeUndefined();
    expect(config.resultCallback).toEqual({
      url: undefined,
      secret: 'whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ=',
      allowPrivateNetworks: true,
    });
    expect(config.smileId).toEqual({
      enabled: true,
      url: 'http://127.0.0.1:3100/smile-id/v1',
      partnerId: 'sandbox-partner',
      apiKey: 'sandbox-smile-id-key',
    });
    expect(config.payloadEncryptionKey.isDevKey).toBe(true);
    expect(config.database.url).toBeUndefined();
  });

  it('parses lists and numbers', () => {
    const config = loadConfig({
      API_KEYS: 'key-one-123, key-two-456',
      PORT: '8080',
      SMILE_WEBHOOK_ALLOWED_IPS: '18.142.61.230, 10.0.0.0/8, 2001:db8::/32',
    });
    expect(config.api.port).toBe(8080);
    expect(config.smile.webhookAllowedIps).toEqual(['18.142.61.230', '10.0.0.0/8', '2001:db8::/32']);
  });

  it('keeps personal data DATA_RETENTION_DAYS days (180 by default): an integer of 0 or more', () => {
    expect(loadConfig({}).retention).toEqual({ days: 180 });
    expect(loadConfig({ DATA_RETENTION_DAYS: '0' }).retention).toEqual({ days: 0 });
    for (const bad of ['-1', '1.5', 'a year'])
      expect(() => loadConfig({ DATA_RETENTION_DAYS: bad }), bad).toThrow(/DATA_RETENTION_DAYS/);
  });

  it('reads named, scoped keys (SPEC §10); a bare secret is the key "default" with every scope', () => {
    const { keys } = loadConfig({
      API_KEYS: 'onboarding:secret-one-123:verifications.write+verifications.read, ops:secret-two-456, bare-secret-789',
    }).api;
    expect(keys).toEqual([
      { name: 'onboarding', secret: 'secret-one-123', scopes: ['verifications.write', 'verifications.read'] },
      { name: 'ops', secret: 'secret-two-456', scopes: API_SCOPES },
      { name: 'default', secret: 'bare-secret-789', scopes: API_SCOPES },
    ]);
    expect(loadConfig({ API_KEYS: 'audit:secret-one-123:*' }).api.keys[0]!.scopes).toEqual(API_SCOPES);
  });

  it.each([
    ['PORT', 'eighty'],
    ['TEMPORAL_ADDRESS', 'localhost'],
    ['SMILE_API_URL', 'ftp://smile'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['RESULT_CALLBACK_SECRET', 'plain-secret'],
    ['PAYLOAD_ENCRYPTION_KEY', Buffer.from('too short').toString('base64')],
    ['API_KEYS', 'short'],
    ['API_KEYS', 'reader:secret-one-123:verifications.delete'],
    ['API_KEYS', 'bad name:secret-one-123'],
    ['SMILE_WEBHOOK_ALLOWED_IPS', '10.0.0.0/33'],
    ['RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS', 'maybe'],
  ])('names the invalid variable %s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([variable]);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).api.port).toBe(3000);
  });

  it('connects in plain text locally, and with TLS and an API key to a remote cluster', () => {
    expect(connectionOptionsOf(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });

    // Temporal Cloud with an API key: TLS follows, with the system's roots.
    const cloud = loadConfig({
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      TEMPORAL_API_KEY: 'tcld-key',
    });
    expect(connectionOptionsOf(cloud)).toEqual({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'tcld-key',
    });

    // A self-hosted cluster with mTLS: the files are read, SNI overridden.
    const dir = mkdtempSync(join(tmpdir(), 'smile-verify-tls-'));
    for (const name of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(join(dir, name), `-----${name}-----`);
    const mtls = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CA_PATH: join(dir, 'ca.pem'),
      TEMPORAL_TLS_CERT_PATH: join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY_PATH: join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    const tls = connectionOptionsOf(mtls).tls as Record<string, unknown>;
    expect(tls.serverNameOverride).toBe('temporal');
    expect(String(tls.serverRootCACertificate)).toBe('-----ca.pem-----');
    expect(tls.clientCertPair).toEqual({
      crt: Buffer.from('-----client.pem-----'),
      key: Buffer.from('-----client.key-----'),
    });

    expect(loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).temporal.tls).toBeUndefined();
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });

  it("serves the demo outside production, with the sandbox widget or Smile's real one", () => {
    expect(loadConfig({}).demo).toEqual({
      enabled: true,
      widgetScriptUrl: 'http://127.0.0.1:3100/wink/smile.v2.js',
      linkApiHost: 'https://link-sandbox.smileapi.io/v1',
    });
    expect(loadConfig({ DEMO_ENABLED: 'false' }).demo.enabled).toBe(false);
    expect(loadConfig({ SMILE_API_URL: 'https://open.smileapi.io/v1' }).demo).toEqual({
      enabled: true,
      widgetScriptUrl: 'https://web.smileapi.io/v2/smile.v2.js',
      linkApiHost: 'https://link.smileapi.io/v1',
    });
    expect(loadConfig({ SMILE_API_URL: 'https://sandbox.smileapi.io/v1' }).demo.linkApiHost).toBe(
      'https://link-sandbox.smileapi.io/v1',
    );
  });
});

/** A production environment as an operator sets it: every required variable with a value of its own. */
const PRODUCTION: Record<string, string> = {
  NODE_ENV: 'production',
  API_KEYS: 'onboarding:a-real-key-123:verifications.write+verifications.read',
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  DATABASE_URL: 'postgres://smile:pw@db.internal:5432/smile_verify',
  SMILE_API_URL: 'https://api.smileapi.io/v1',
  SMILE_API_KEY: 'live-key',
  SMILE_API_SECRET: 'live-secret',
  SMILE_WEBHOOK_SECRET: 'live-webhook-secret',
  RESULT_CALLBACK_SECRET: 'whsec_bGl2ZS1jYWxsYmFjay1zZWNyZXQ=',
  PUBLIC_URL: 'https://verify.example.com',
};
const without = (name: string) => Object.fromEntries(Object.entries(PRODUCTION).filter(([key]) => key !== name));
const refusedVariables = (env: Record<string, string | undefined>) => {
  try {
    loadAnyConfig(env);
  } catch (error) {
    return (error as ConfigError).issues.map((issue) => issue.variable);
  }
  return [];
};

describe('config in production (fails closed, SPEC §2)', () => {
  it('is the mode when NODE_ENV is unset, and refuses to start on the defaults, naming each variable', () => {
    expect(refusedVariables({})).toEqual([...PRODUCTION_REQUIRED]);
  });

  it('starts with every variable set to its own value: no demo, no private callbacks, no KYC', () => {
    const config = loadAnyConfig(PRODUCTION);
    expect(config.env).toBe('production');
    expect(config.demo.enabled).toBe(false);
    expect(config.resultCallback.allowPrivateNetworks).toBe(false);
    expect(config.smileId.enabled).toBe(false);
  });

  it.each(Object.keys(PRODUCTION).filter((name) => name !== 'NODE_ENV'))('refuses to start without %s', (name) => {
    expect(refusedVariables(without(name))).toEqual([name]);
  });

  it.each([
    ['API_KEYS', 'dev:dev-api-key'],
    ['API_KEYS', `ops:a-real-key-123,${DEV_API_KEY}`],
    ['PAYLOAD_ENCRYPTION_KEY', 'c21pbGUtdmVyaWZ5LWRldi1wYXlsb2FkLWtleS0zMmI='],
    ['SMILE_API_URL', 'http://127.0.0.1:3100/v1'],
    ['SMILE_API_KEY', 'sandbox-key'],
    ['SMILE_API_SECRET', 'sandbox-secret'],
    ['SMILE_WEBHOOK_SECRET', 'sandbox-webhook-secret'],
    ['RESULT_CALLBACK_SECRET', 'whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ='],
    ['SMILE_ID_URL', 'http://127.0.0.1:3100/smile-id/v1'],
    ['SMILE_ID_PARTNER_ID', 'sandbox-partner'],
    ['SMILE_ID_API_KEY', 'sandbox-smile-id-key'],
  ])('refuses the sandbox/dev default of %s (%s)', (name, value) => {
    const kyc = { SMILE_ID_URL: 'https://kyc.example.com/v1', SMILE_ID_PARTNER_ID: 'p-1', SMILE_ID_API_KEY: 'kyc-key' };
    const env = name.startsWith('SMILE_ID_') ? { ...PRODUCTION, ...kyc } : PRODUCTION;
    expect(refusedVariables({ ...env, [name]: value })).toEqual([name]);
  });

  /** The same bytes in another spelling: the last base64 digit's unused bits set. */
  const respelled = (base64: string) => {
    const [, body, last, padding] = /^(.*)([^=])(=+)$/.exec(base64)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const other = body! + alphabet[alphabet.indexOf(last!) + 1]! + padding!;
    expect(other).not.toBe(base64);
    expect(Buffer.from(other, 'base64')).toEqual(Buffer.from(base64, 'base64'));
    return other;
  };

  it.each([
    ['PAYLOAD_ENCRYPTION_KEY', respelled(DEV_PAYLOAD_ENCRYPTION_KEY)],
    ['RESULT_CALLBACK_SECRET', `whsec_${respelled('ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ=')}`],
    // deploy/sandbox.env's public values are defaults too.
    ['PAYLOAD_ENCRYPTION_KEY', 'C+wtPYK8ExGqvPXq7UCFSE7FROSsIKkajsd1xthKQek='],
    ['PAYLOAD_ENCRYPTION_KEY', respelled('C+wtPYK8ExGqvPXq7UCFSE7FROSsIKkajsd1xthKQek=')],
    ['RESULT_CALLBACK_SECRET', 'whsec_c2FuZGJveC1jb21wb3NlLWNhbGxiYWNrLXNlY3JldA=='],
    ['RESULT_CALLBACK_SECRET', `whsec_${respelled('c2FuZGJveC1jb21wb3NlLWNhbGxiYWNrLXNlY3JldA==')}`],
    ['API_KEYS', 'sandbox-compose-api-key'],
  ])('refuses %s spelled differently with the same bytes as a dev or sandbox value (%s)', (name, value) => {
    expect(refusedVariables({ ...PRODUCTION, [name]: value })).toEqual([name]);
  });

  it('knows every public value of deploy/sandbox.env', async () => {
    const { readFile } = await import('node:fs/promises');
    const file = await readFile(new URL('../../deploy/sandbox.env', import.meta.url), 'utf8');
    const kyc = { SMILE_ID_URL: 'https://kyc.example.com/v1', SMILE_ID_PARTNER_ID: 'p-1', SMILE_ID_API_KEY: 'kyc-key' };
    // Every secret and Smile endpoint of the file (NODE_ENV, the Postgres password and PUBLIC_URL are not ours to refuse).
    const checked = [...file.matchAll(/^([A-Z_]+)=(.*)$/gm)].filter(
      ([, name]) => !['NODE_ENV', 'POSTGRES_PASSWORD', 'PUBLIC_URL'].includes(name!),
    );
    expect(checked.length).toBe(10);
    for (const [, name, value] of checked)
      expect(refusedVariables({ ...PRODUCTION, ...kyc, [name!]: value! }), `${name}=${value}`).toEqual([name]);
  });

  it('enables KYC only with all three SMILE_ID_* settings', () => {
    const kyc = { SMILE_ID_URL: 'https://kyc.example.com/v1', SMILE_ID_PARTNER_ID: 'p-1', SMILE_ID_API_KEY: 'kyc-key' };
    expect(loadAnyConfig({ ...PRODUCTION, ...kyc }).smileId).toEqual({
      enabled: true,
      url: 'https://kyc.example.com/v1',
      partnerId: 'p-1',
      apiKey: 'kyc-key',
    });
    expect(refusedVariables({ ...PRODUCTION, SMILE_ID_PARTNER_ID: 'p-1' })).toEqual([
      'SMILE_ID_URL',
      'SMILE_ID_API_KEY',
    ]);
  });

  it('never serves the demo, and allows private callbacks only when told', () => {
    expect(refusedVariables({ ...PRODUCTION, DEMO_ENABLED: 'true' })).toEqual(['DEMO_ENABLED']);
    const allowed = loadAnyConfig({ ...PRODUCTION, RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect(allowed.resultCallback.allowPrivateNetworks).toBe(true);
    expect(loadAnyConfig({ NODE_ENV: 'test' }).resultCallback.allowPrivateNetworks).toBe(true);
  });
});

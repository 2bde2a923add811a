import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEV_API_KEY, loadConfig } from '../../config/index.js';
import { connectionOptionsOf } from '../../runtime/temporal.js';

describe('config', () => {
  it('has the dev defaults of SPEC §2', () => {
    const config = loadConfig({});
    expect(config.api).toEqual({
      port: 3000,
      host: '127.0.0.1',
      keys: [DEV_API_KEY],
      publicUrl: 'http://127.0.0.1:3000',
      rateLimitPerMinute: 1_200,
      trustedProxies: undefined,
    });
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
    expect(config.resultCallback).toEqual({ url: undefined, secret: 'whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ=' });
    expect(config.smileId).toEqual({
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
      SMILE_WEBHOOK_ALLOWED_IPS: '18.142.61.230',
    });
    expect(config.api.keys).toEqual(['key-one-123', 'key-two-456']);
    expect(config.api.port).toBe(8080);
    expect(config.smile.webhookAllowedIps).toEqual(['18.142.61.230']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['TEMPORAL_ADDRESS', 'localhost'],
    ['SMILE_API_URL', 'ftp://smile'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['RESULT_CALLBACK_SECRET', 'plain-secret'],
    ['PAYLOAD_ENCRYPTION_KEY', Buffer.from('too short').toString('base64')],
    ['API_KEYS', 'short'],
  ])('names the invalid variable %s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([variable]);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('refuses the dev secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', API_KEYS: 'a-real-key-123' })).toThrow(/PAYLOAD_ENCRYPTION_KEY/);
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(() => loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEY: key })).toThrow(/API_KEYS/);
    expect(loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEY: key, API_KEYS: 'a-real-key-123' }).env).toBe(
      'production',
    );
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
    const key = Buffer.alloc(32, 7).toString('base64');
    const production = {
      NODE_ENV: 'production',
      PAYLOAD_ENCRYPTION_KEY: key,
      API_KEYS: 'a-real-key-123',
      SMILE_API_URL: 'https://open.smileapi.io/v1',
    };
    expect(loadConfig(production).demo.enabled).toBe(false);
    expect(loadConfig({ ...production, DEMO_ENABLED: 'true' }).demo).toEqual({
      enabled: true,
      widgetScriptUrl: 'https://web.smileapi.io/v2/smile.v2.js',
      linkApiHost: 'https://link.smileapi.io/v1',
    });
    expect(loadConfig({ SMILE_API_URL: 'https://sandbox.smileapi.io/v1' }).demo.linkApiHost).toBe(
      'https://link-sandbox.smileapi.io/v1',
    );
  });
});

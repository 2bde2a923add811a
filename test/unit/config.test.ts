import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_API_KEY, loadConfig } from '../../config/index.js';

describe('config', () => {
  it('has the dev defaults of SPEC §2', () => {
    const config = loadConfig({});
    expect(config.api).toEqual({ port: 3000, host: '127.0.0.1', keys: [DEV_API_KEY], publicUrl: 'http://127.0.0.1:3000', rateLimitPerMinute: 1_200, trustedProxies: undefined });
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'verifications' });
    expect(config.smile).toMatchObject({ apiUrl: 'http://127.0.0.1:3100/v1', apiKey: 'sandbox-key', apiSecret: 'sandbox-secret', webhookSecret: 'sandbox-webhook-secret' });
    expect(config.smile.webhookAllowedIps).toBeUndefined();
    expect(config.resultCallback).toEqual({ url: undefined, secret: 'whsec_ZGV2LXJlc3VsdC1jYWxsYmFjay1zZWNyZXQ=' });
    expect(config.smileId).toEqual({ url: 'http://127.0.0.1:3100/smile-id/v1', partnerId: 'sandbox-partner', apiKey: 'sandbox-smile-id-key' });
    expect(config.payloadEncryptionKey.isDevKey).toBe(true);
    expect(config.database.url).toBeUndefined();
  });

  it('parses lists and numbers', () => {
    const config = loadConfig({ API_KEYS: 'key-one-123, key-two-456', PORT: '8080', SMILE_WEBHOOK_ALLOWED_IPS: '18.142.61.230' });
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
    expect(loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEY: key, API_KEYS: 'a-real-key-123' }).env).toBe('production');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).api.port).toBe(3000);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('config', () => {
  it('has working defaults', () => {
    const c = parseConfig({});
    expect(c.port).toBe(4000);
    expect(c.neo4j.uri).toBeUndefined();
    expect(c.neo4j.database).toBe('neo4j');
    expect(c.debugExtensions).toBe(false);
    expect(c.auth.apiKeys).toEqual([]);
  });

  it("accepts the SPEC's API_KEYS example verbatim", () => {
    expect(parseConfig({ API_KEYS: 'k3y-one:write+read,k3y-two:read' }).auth.apiKeys).toEqual([
      { secret: 'k3y-one', scopes: ['write', 'read'] },
      { secret: 'k3y-two', scopes: ['read'] },
    ]);
  });

  it('parses API_KEYS into secrets and scopes', () => {
    const c = parseConfig({ API_KEYS: 'k3y-one-long:write+read, k3y-two-long:read' });
    expect(c.auth.apiKeys).toEqual([
      { secret: 'k3y-one-long', scopes: ['write', 'read'] },
      { secret: 'k3y-two-long', scopes: ['read'] },
    ]);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['NEO4J_URI', 'http://localhost:7474'],
    ['DEBUG_EXTENSIONS', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['API_KEYS', 'no-scope-here'],
    ['API_KEYS', 'secret-long:admin'],
    ['MAX_PAGE_SIZE', '0'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
  });

  it('does not echo API key secrets in its errors', () => {
    expect(() => parseConfig({ API_KEYS: 'super-secret-value:admin' })).toThrow(ConfigError);
    try {
      parseConfig({ API_KEYS: 'super-secret-value:admin' });
    } catch (e) {
      expect((e as Error).message).not.toContain('super-secret');
    }
  });
});

describe('config: tracing (OTEL_*)', () => {
  it('sends to the traces endpoint as is, else to the base endpoint + /v1/traces; OTEL_SDK_DISABLED wins', () => {
    expect(parseConfig({}).tracing).toEqual({ tracesUrl: undefined, serviceName: 'stargraph' });
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    const both = parseConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/traces',
      OTEL_SERVICE_NAME: 'graph-api',
    });
    expect(both.tracing).toEqual({ tracesUrl: 'http://other:4318/traces', serviceName: 'graph-api' });
    expect(
      parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing
        .tracesUrl,
    ).toBeUndefined();
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

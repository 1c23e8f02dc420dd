import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  registerSecret,
  scrubbed,
  scrubbedName,
  scrubSecrets,
  setSecretPatterns,
} from '../src/secrets';

describe('scrubSecrets: credentials never reach recorded error messages', () => {
  it('replaces registered secrets wherever they appear', () => {
    registerSecret('my-registered-secret-123');
    expect(
      scrubSecrets('rejected key my-registered-secret-123 (twice: my-registered-secret-123)'),
    ).toBe(`rejected key ${REDACTED} (twice: ${REDACTED})`);
  });

  it('removes URL credentials, bearer tokens and provider API keys', () => {
    expect(scrubSecrets('GET https://user:p%40ss@api.example.com/v1 failed')).toBe(
      `GET https://${REDACTED}@api.example.com/v1 failed`,
    );
    expect(scrubSecrets('Authorization: Bearer abc.def-ghi_jkl')).toBe(
      `Authorization: Bearer ${REDACTED}`,
    );
    expect(scrubSecrets('Incorrect API key provided: sk-proj-abcdefghijklmnop1234')).toBe(
      `Incorrect API key provided: sk-${REDACTED}`,
    );
  });

  it('leaves ordinary messages and short values alone', () => {
    registerSecret('short');
    expect(scrubSecrets('a short timeout at https://api.openai.com/v1')).toBe(
      'a short timeout at https://api.openai.com/v1',
    );
  });
});

describe('scrubSecrets: every credential shape, case-insensitively', () => {
  const R = REDACTED;
  it.each([
    ['OpenAI project key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUv12', `key sk-${R}`],
    ['Anthropic key', 'key sk-ant-api03-AbCdEfGhIjKlMnOpQr', `key sk-${R}`],
    ['Google key', 'AIzaSyA1234567890abcdefghijklmnopqrstu1 is bad', `${R} is bad`],
    ['AWS access key id', 'id AKIAIOSFODNN7EXAMPLE here', `id ${R} here`],
    ['upper-case bearer', 'sent BEARER abcdefgh12345', `sent BEARER ${R}`],
    [
      'lower-case authorization',
      'authorization: bearer abcdefgh12345',
      `authorization: bearer ${R}`,
    ],
    [
      'Proxy-Authorization',
      'Proxy-Authorization: Basic dXNlcjpwYXNz',
      `Proxy-Authorization: Basic ${R}`,
    ],
    ['x-api-key header', 'x-api-key: abc123', `x-api-key: ${R}`],
    ['api-key in JSON', '{"api-key":"abc123"}', `{"api-key":"${R}"}`],
    ['JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-1', `token ${R}`],
    ['URL userinfo', 'GET https://user:password@host/x', `GET https://${R}@host/x`],
    ['key= query', 'GET https://h/v1?alt=sse&key=AbC123', `GET https://h/v1?alt=sse&key=${R}`],
    ['token= query', 'GET https://h/v1?token=AbC123&x=1', `GET https://h/v1?token=${R}&x=1`],
    ['api_key= query', 'GET https://h/v1?api_key=AbC123', `GET https://h/v1?api_key=${R}`],
    [
      'connection string',
      'Server=db;User Id=sa;Password=hunter22;',
      `Server=db;User Id=sa;Password=${R};`,
    ],
    ['postgres URL', 'postgres://app:s3cret@db:5432/x', `postgres://${R}@db:5432/x`],
    ['Azure account key', 'AccountName=a;AccountKey=Zm9vYmFy==;', `AccountName=a;AccountKey=${R};`],
  ])('%s', (_name, text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
    // what is already scrubbed stays as it is (a registered key replaced first, then the rules)
    expect(scrubSecrets(expected)).toBe(expected);
  });

  it('leaves a Basic that is an ordinary word, and ordinary prose, alone', () => {
    expect(scrubSecrets('a basic understanding of tokens')).toBe('a basic understanding of tokens');
    expect(scrubSecrets('Unexpected token } in JSON at position 3')).toBe(
      'Unexpected token } in JSON at position 3',
    );
  });
});

describe('scrubbed: scrub first, then truncate', () => {
  it('never lets the head of a key that straddles the limit through', () => {
    const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const text = `${'x'.repeat(1010)} ${key} tail`;
    const out = scrubbed(text, 1024);
    expect(out.length).toBeLessThanOrEqual(1024);
    expect(out).not.toContain('AbCdEf');
  });

  it('bounds the work on a huge input and drops the word it cut through', () => {
    const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const text = `${'y '.repeat(2047)}${key}${'z'.repeat(10_000)}`;
    const out = scrubbed(text, 1024);
    expect(out.length).toBeLessThanOrEqual(1024);
    expect(out).not.toContain('AbCdEf');
  });
});

describe('setSecretPatterns: the application adds its own shapes', () => {
  it('applies them case-insensitively, from RegExps or sources, and rejects unusable ones', () => {
    expect(setSecretPatterns([/acme-[0-9]{6}/, 'internal_[a-z]+', '(', ''])).toHaveLength(2);
    expect(scrubSecrets('ACME-123456 and internal_token')).toBe(`${REDACTED} and ${REDACTED}`);
    setSecretPatterns([]);
    expect(scrubSecrets('acme-123456')).toBe('acme-123456');
  });
});

describe('scrubbedName: names are scrubbed once, and again when the secrets change', () => {
  it('forgets what it remembered when a pattern or a secret is added', () => {
    const name = 'acme-model-internalcode-7';
    expect(scrubbedName(name, 256)).toBe(name);
    setSecretPatterns(['internalcode']);
    expect(scrubbedName(name, 256)).toBe(`acme-model-${REDACTED}-7`);
    setSecretPatterns([]);
    expect(scrubbedName(name, 256)).toBe(name);
    registerSecret('model-internalcode');
    expect(scrubbedName(name, 256)).toBe(`acme-${REDACTED}-7`);
  });
});

import { describe, expect, it } from 'vitest';
import { REDACTED, registerSecret, scrubSecrets } from '../src/secrets';

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

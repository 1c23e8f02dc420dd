import { describe, expect, it } from 'vitest';
import { BatchedStdout } from '../src/logger';

/** A SonicBoom stand-in that keeps what it is handed and reports writes when told. */
function fakeSonic() {
  const chunks: string[] = [];
  const listeners: Record<string, (arg: never) => void> = {};
  return {
    chunks,
    written: (bytes: number) => listeners.write?.(bytes as never),
    out: {
      write(chunk: string) {
        chunks.push(chunk);
        return true;
      },
      on(event: string, listener: (arg: never) => void) {
        listeners[event] = listener;
      },
      flushSync() {},
    },
  };
}

describe('BatchedStdout', () => {
  it('bounds what is not yet written in UTF-8 bytes, exactly, lines in order', () => {
    const sonic = fakeSonic();
    let dropped = 0;
    const out = new BatchedStdout(sonic.out, 30, (n) => (dropped += n));
    try {
      const ten = 'aaaaaaaaa\n';
      for (let i = 0; i < 3; i++) out.write(ten); // 30 bytes: at the bound, kept
      out.write('b\n'); // 32: dropped
      out.flush();
      expect(dropped).toBe(1);
      sonic.written(30);
      const wide = `${'é'.repeat(14)}\n`; // 15 units, 29 bytes
      out.write(wide);
      out.write('c'); // 30 bytes: kept
      out.write('d'); // 31: dropped
      out.flush();
      expect(dropped).toBe(2);
      expect(sonic.chunks.join('')).toBe(`${ten}${ten}${ten}${wide}c`);
    } finally {
      out.close();
    }
  });

  it('hands a batch over in one write', () => {
    const sonic = fakeSonic();
    const out = new BatchedStdout(sonic.out, 1 << 20, () => {});
    try {
      out.write('{"a":1}\n');
      out.write('{"b":2}\n');
      expect(sonic.chunks).toEqual([]);
      out.flush();
      expect(sonic.chunks).toEqual(['{"a":1}\n{"b":2}\n']);
    } finally {
      out.close();
    }
  });
});

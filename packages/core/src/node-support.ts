import { warnOnce } from './internal-log';

/** The oldest Node that llmeter supports: `module.registerHooks` arrived in 22.15. */
export const MIN_NODE = [22, 15] as const;

function parse(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return [major, minor];
}

export function isSupportedNode(version: string): boolean {
  const [major, minor] = parse(version);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/**
 * On an older Node, say once and plainly what still works and what does not,
 * rather than degrade in silence. Never throws: an unreadable version is taken
 * as supported.
 */
export function warnIfUnsupportedNode(version: string = process.versions.node): void {
  if (typeof version !== 'string' || isSupportedNode(version)) return;
  warnOnce(
    'node:unsupported',
    `llmeter supports Node >= ${MIN_NODE.join('.')}; this is Node ${version}. ` +
      'What works: init(), spans, OTLP metrics, /metrics, logs, the manual helpers and ' +
      'the instrument…(client) functions and handlers. What does not: auto-instrumentation ' +
      'of modules loaded after start (the register and auto entries need module.registerHooks): ' +
      'instrument clients explicitly, e.g. instrumentOpenAI(client). npm may also have ' +
      'installed older SDK versions that still support this Node. Upgrade to Node 22.15+ or 24.',
    { node: version, supported: `>=${MIN_NODE.join('.')}` },
  );
}

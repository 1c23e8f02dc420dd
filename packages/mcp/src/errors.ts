import { ERROR_TYPE_OTHER, type McpFailure } from '@llmeter/core/internal';
import { JSONRPC_CODE, JSONRPC_RESERVED } from './constants';

/** `error.type` of a JSON-RPC code: the code itself when it is a reserved one, else `_OTHER` (bounded). */
function codeType(code: number): string {
  return code >= JSONRPC_RESERVED.MIN && code <= JSONRPC_RESERVED.MAX
    ? String(code)
    : ERROR_TYPE_OTHER;
}

/** An McpError (or subclass) of any copy of the SDK, without importing it. */
function isMcpError(error: unknown): error is { code: number } {
  if (error === null || typeof error !== 'object') return false;
  if (!Number.isSafeInteger((error as { code?: unknown }).code)) return false;
  for (let p = Object.getPrototypeOf(error); p; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === 'McpError') return true;
  }
  return false;
}

/**
 * A failed request as its sender saw it: a JSON-RPC error's code is its
 * `error.type` (the conventions' rule) and, when the peer answered with it,
 * its `rpc.response.status_code`; the SDK's own connection-closed and timeout
 * errors carry their code without a status. Anything else (not connected, an
 * invalid result) is typed by core from the error class.
 */
export function clientFailure(error: unknown): McpFailure | undefined {
  try {
    if (!isMcpError(error)) return undefined;
    const code = error.code;
    const local = code === JSONRPC_CODE.CONNECTION_CLOSED || code === JSONRPC_CODE.REQUEST_TIMEOUT;
    if (local) return { errorType: codeType(code) };
    // McpError prefixes the peer's message with "MCP error <code>: "; the status keeps the peer's.
    const message = (error as { message?: unknown }).message;
    const prefix = `MCP error ${code}: `;
    return {
      errorType: codeType(code),
      statusCode: code,
      ...(typeof message === 'string' &&
        message.startsWith(prefix) && { message: message.slice(prefix.length) }),
    };
  } catch {
    return undefined;
  }
}

/** A handler's failure as the SDK answers it: its own code when it has one, else internal error. */
export function serverFailure(error: unknown): McpFailure {
  let code: number = JSONRPC_CODE.INTERNAL_ERROR;
  try {
    const own = (error as { code?: unknown } | null)?.code;
    if (typeof own === 'number' && Number.isSafeInteger(own)) code = own;
  } catch {
    // a throwing getter: the SDK falls back to internal error too
  }
  return { errorType: codeType(code), statusCode: code };
}

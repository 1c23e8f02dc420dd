import { ATTR, UNIT } from '../constants';
import type { InstrumentDefinition } from '../metrics/definitions';
import { MCP_ATTR, MCP_BUCKETS, MCP_METRIC } from './names';

/** Attributes both sides of an MCP operation may carry (the conventions' metric tables). */
const OPERATION = [
  MCP_ATTR.METHOD_NAME,
  ATTR.ERROR_TYPE,
  MCP_ATTR.PROMPT_NAME,
  ATTR.TOOL_NAME,
  MCP_ATTR.RPC_RESPONSE_STATUS_CODE,
  ATTR.OPERATION_NAME,
  MCP_ATTR.JSONRPC_PROTOCOL_VERSION,
  MCP_ATTR.PROTOCOL_VERSION,
  MCP_ATTR.NETWORK_PROTOCOL_NAME,
  MCP_ATTR.NETWORK_PROTOCOL_VERSION,
  MCP_ATTR.NETWORK_TRANSPORT,
] as const;
const SESSION = [
  ATTR.ERROR_TYPE,
  MCP_ATTR.JSONRPC_PROTOCOL_VERSION,
  MCP_ATTR.PROTOCOL_VERSION,
  MCP_ATTR.NETWORK_PROTOCOL_NAME,
  MCP_ATTR.NETWORK_PROTOCOL_VERSION,
  MCP_ATTR.NETWORK_TRANSPORT,
] as const;
const SERVER = [ATTR.SERVER_ADDRESS, ATTR.SERVER_PORT] as const;

function histogram(name: string, description: string, attributes: readonly string[]) {
  return {
    name,
    kind: 'histogram',
    unit: UNIT.SECONDS,
    description,
    buckets: MCP_BUCKETS.DURATION,
    attributes,
    exemplars: true,
  } as const satisfies InstrumentDefinition;
}

/** The four MCP histograms; the same under both semconv modes. */
export function mcpInstruments() {
  return {
    mcpClientOperationDuration: histogram(
      MCP_METRIC.CLIENT_OPERATION_DURATION,
      'Duration of MCP requests as observed by their sender, until the response arrived.',
      [...OPERATION, ...SERVER],
    ),
    mcpServerOperationDuration: histogram(
      MCP_METRIC.SERVER_OPERATION_DURATION,
      'Duration of MCP requests as observed by their receiver, until the result was ready.',
      OPERATION,
    ),
    mcpClientSessionDuration: {
      ...histogram(
        MCP_METRIC.CLIENT_SESSION_DURATION,
        'Duration of MCP sessions as observed by the client.',
        [...SESSION, ...SERVER],
      ),
      exemplars: false,
    },
    mcpServerSessionDuration: {
      ...histogram(
        MCP_METRIC.SERVER_SESSION_DURATION,
        'Duration of MCP sessions as observed by the server.',
        SESSION,
      ),
      exemplars: false,
    },
  } satisfies Record<string, InstrumentDefinition>;
}

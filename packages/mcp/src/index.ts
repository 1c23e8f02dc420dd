export { instrumentMCPClient, instrumentMCPServer } from './instrument';
export { MCPInstrumentation } from './instrumentation';
export type { InstrumentMCPClientOptions } from './types';

export { instrumentMCPClient, instrumentMCPServer } from './instrument';
export { MCPInstrumentation } from './instrumentation';

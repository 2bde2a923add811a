// The worker bundles this file: export workflows only, nothing with I/O.
export { resultCallbackWorkflow } from './result-callback.js';
export { verificationWorkflow } from './verification.js';
export { monitorWorkflow } from './monitor.js';

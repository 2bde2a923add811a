// The worker bundles this file: export workflows only, nothing with I/O.
export { verificationWorkflow } from './verification.js';

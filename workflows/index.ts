// The worker bundles this file: export workflows only, nothing with I/O.
export { erasureWorkflow } from './erasure.js';
export { resultCallbackWorkflow } from './result-callback.js';
export { retentionWorkflow } from './retention.js';
export { verificationWorkflow } from './verification.js';

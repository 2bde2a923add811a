// CommonJS on purpose: the SDK loads this file with require() by path, both in the
// worker and the client, and bundles it into the workflow code.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path with require(), so CommonJS
const { DefaultFailureConverter } = require('@temporalio/common');

/**
 * Failure messages and stack traces go into history inside an encoded payload
 * (the payload codec encrypts it), not as plain text: an error message may quote
 * what it failed on.
 */
exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

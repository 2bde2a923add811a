export { createSmileClient, DATA_RESOURCES, MAX_PAGE_SIZE, type DataFilter, type DataResource, type SmileClient, type SmileClientOptions } from './client.js';
export { failureType, smileFailure } from './errors.js';
export * from './schemas.js';

export {
  createSmileClient,
  DATA_RESOURCES,
  type DataFilter,
  type DataResource,
  type SmileClient,
  type SmileClientOptions,
} from './client.js';
export * from './schemas.js';

export {
  createSmileClient,
  DATA_RESOURCES,
  type DataFilter,
  type DataResource,
  type SmileClient,
  type SmileClientOptions,
} from './client.js';
export { endpointOf, type SmileRequestObserver } from './observer.js';
export * from './schemas.js';

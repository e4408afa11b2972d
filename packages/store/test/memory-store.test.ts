import { MemoryStore } from '../src/index.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('MemoryStore', {
  make: async (options) => new MemoryStore(options),
  exactCap: true,
});

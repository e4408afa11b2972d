/** The spec validation thread (see spec-validator.ts). */
import { serveThread } from '../threads/thread-rpc.js';
import type { ValidateRequest } from './spec-validator.js';
import { validateSweep } from './validate-sweep.js';

serveThread(({ text, format, limits }: ValidateRequest) => validateSweep(text, format, limits));

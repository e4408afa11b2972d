// What the integration project's global setup provides to tests (see redis-global-setup.ts).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

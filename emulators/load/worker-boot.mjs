// Starts a device worker thread (worker.ts) with tsx's loader registered in it: a worker thread does not inherit
// the loader its parent runs under (tsx.is/dev-api/register-esm).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

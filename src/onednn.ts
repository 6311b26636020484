// `import 'nin-d2l/onednn'`: registers the oneDNN backend above TF.js's `cpu` (priority 2 to cpu's 1, as tfjs-node
// does), so that TF.js picks it without a setBackend call. Without the native addon, TF.js stays on `cpu`, and one
// warning says why and what to install.
import { registerOnednnBackend } from './engine/backend.js';

export const ONEDNN_PRIORITY = 2;

try {
  registerOnednnBackend({ priority: ONEDNN_PRIORITY });
} catch (err) {
  console.warn(`nin-d2l/onednn: ${(err as Error).message} TF.js will compute on its cpu backend.`);
}

import { useBackend } from '../engine/backend.js';
import { choice } from './args.js';

export const BACKENDS = ['onednn', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export const backendOption = { backend: { type: 'string' as const } };

/** Activates the backend named by --backend (default onednn) before any model is built. */
export async function activateBackend(value: string | undefined): Promise<BackendName> {
  const name = choice(value, 'backend', BACKENDS, 'onednn');
  await useBackend(name);
  return name;
}

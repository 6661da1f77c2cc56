/** Hand-built API objects for the printer tests. */
import type { ContainerState, ContainerStatus, Pod } from '../../src/engine/api/types.js';

export const NOW = Date.parse('2025-01-01T01:00:00Z');
/** An RFC3339 time `ago` milliseconds before NOW. */
export const ago = (ms: number): string => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
export const MIN = 60_000;

export function containerStatus(name: string, state: ContainerState, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, image: 'nginx:1.25', imageID: '', ready: false, restartCount: 0, state, lastState: {}, ...extra };
}

export function pod(name: string, over: { spec?: Partial<Pod['spec']>; status?: Pod['status']; meta?: Partial<Pod['metadata']> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: ago(5 * MIN), ...over.meta },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...over.spec },
    status: over.status ?? { phase: 'Pending' },
  };
}

export const running = (startedAt = ago(4 * MIN)): ContainerState => ({ running: { startedAt } });

/** The simulated kubelets: install with `installKubelets(cluster)`; see docs/containers.md for what containers do. */
export { installKubelets, KubeletManager, KUBELET_CONTROLLER } from './manager.js';
export type { ContainerUsage } from './container.js';
export type { PodProbeStates } from './podWorker.js';
export type { ProbeKind, ProbeResult, ProbeState, PublishedResult } from './probes.js';
export { ANNOTATION_PREFIX, ANNOTATIONS } from './behaviour.js';
export { HEARTBEAT_PERIOD_MS } from './nodeKubelet.js';

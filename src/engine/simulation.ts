/**
 * A whole simulated cluster: the core (store, API server, garbage collector, namespaces) plus every controller a
 * real control plane and its nodes run. `createCluster` alone gives the core, for tests of one controller.
 */
import { createCluster, type Cluster, type ClusterOptions } from './cluster.js';
import { installCronJobController } from './controllers/cronJob.js';
import { installDaemonSetController } from './controllers/daemonSet.js';
import { installDeployments } from './controllers/deployment/controller.js';
import { installJobController } from './controllers/job.js';
import { installNodeLifecycle } from './controllers/nodeLifecycle.js';
import { installPersistentVolumeBinder } from './controllers/persistentVolumeBinder.js';
import { installReplicaSets } from './controllers/replicaSet.js';
import { installStatefulSetController } from './controllers/statefulSet.js';
import { installKubelets } from './kubelet/manager.js';
import { installScheduler } from './scheduler/scheduler.js';
import { installServices } from './services/index.js';

export function installAllControllers(cluster: Cluster): Cluster {
  // Services first: the API server must allocate ClusterIPs before any Service from a manifest is created.
  installServices(cluster);
  // Then the control plane's controllers, workloads before the scheduler and the nodes, as the workload tests
  // checked their event sequences in this order.
  installDeployments(cluster);
  installReplicaSets(cluster);
  installStatefulSetController(cluster);
  installDaemonSetController(cluster);
  installJobController(cluster);
  installCronJobController(cluster);
  installPersistentVolumeBinder(cluster);
  installScheduler(cluster);
  installNodeLifecycle(cluster);
  installKubelets(cluster);
  return cluster;
}

export function createSimulatedCluster(options: ClusterOptions = {}): Cluster {
  return installAllControllers(createCluster(options));
}

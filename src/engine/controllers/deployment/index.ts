/** The Deployment controller and the arithmetic it runs on. */
export { DEPLOYMENT_CONTROLLER, DeploymentController, installDeployments } from './controller.js';
export { isRollingUpdate, maxSurge, maxUnavailable, minAvailable, resolveFenceposts, scaledValue } from './fenceposts.js';
export { computeHash, POD_TEMPLATE_HASH_LABEL } from './hash.js';
export {
  CHANGE_CAUSE_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets,
  MAX_REPLICAS_ANNOTATION, revisionOf, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
} from './replicaSets.js';
export {
  isSaturated, newRSNewReplicas, planCleanupUnhealthy, planHistoryCleanup, planNewReplicaSet, planOldReplicaSets, planScale,
  planScaleDownOld, type Scale,
} from './rolling.js';
export { deploymentComplete, Reason as DeploymentReason } from './status.js';

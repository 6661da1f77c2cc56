/**
 * A structural description of the kinds in engine/api/types.ts: the JSON type of each field (for kubectl-like
 * client-side type validation) and the strategic-merge-patch tags (patchMergeKey, patchStrategy merge/retainKeys)
 * that `kubectl apply` follows. Fields not described here are accepted as anything and merged generically.
 */
import type { KindName } from '../engine/api/types.js';

export type Schema =
  | { type: 'string' | 'number' | 'boolean' | 'intOrString' | 'quantity' | 'any' }
  /** Go's int32 unless `int64` (the API decodes into fixed-size integers and refuses what does not fit). */
  | { type: 'integer'; int64?: true }
  | ObjectSchema
  | { type: 'map'; of: Schema }
  | ArraySchema;

export interface ObjectSchema {
  type: 'object';
  /** The OpenAPI definition name kubectl prints, e.g. io.k8s.api.apps.v1.DeploymentSpec. */
  name: string;
  fields: Record<string, Schema>;
  /** patchStrategy retainKeys: keys absent from the file are cleared (e.g. switching strategy type). */
  retainKeys?: boolean;
}

export interface ArraySchema {
  type: 'array';
  of: Schema;
  /** patchMergeKey: items are matched by this field instead of the list being replaced whole. */
  mergeKey?: string;
  /** patchStrategy merge on a list of scalars (finalizers): a set union. */
  mergeSet?: boolean;
}

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const int64: Schema = { type: 'integer', int64: true };
const bool: Schema = { type: 'boolean' };
const ios: Schema = { type: 'intOrString' };
const qty: Schema = { type: 'quantity' };
export const ANY: Schema = { type: 'any' };

const obj = (name: string, fields: Record<string, Schema>, retainKeys = false): ObjectSchema =>
  retainKeys ? { type: 'object', name, fields, retainKeys } : { type: 'object', name, fields };
const arr = (of: Schema, mergeKey?: string): ArraySchema => (mergeKey ? { type: 'array', of, mergeKey } : { type: 'array', of });
const mapOf = (of: Schema): Schema => ({ type: 'map', of });
const strings = arr(str);

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const BATCH = 'io.k8s.api.batch.v1';

const ownerReference = obj(`${META}.OwnerReference`, {
  apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool,
});

const objectMeta = obj(`${META}.ObjectMeta`, {
  name: str,
  generateName: str,
  namespace: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: str,
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int64,
  labels: mapOf(str),
  annotations: mapOf(str),
  ownerReferences: arr(ownerReference, 'uid'),
  finalizers: { type: 'array', of: str, mergeSet: true },
});

const labelSelector = obj(`${META}.LabelSelector`, {
  matchLabels: mapOf(str),
  matchExpressions: arr(obj(`${META}.LabelSelectorRequirement`, { key: str, operator: str, values: strings })),
});

const keyRef = (name: string) => obj(`${CORE}.${name}`, { name: str, key: str, optional: bool });

const envVar = obj(`${CORE}.EnvVar`, {
  name: str,
  value: str,
  valueFrom: obj(`${CORE}.EnvVarSource`, {
    configMapKeyRef: keyRef('ConfigMapKeySelector'),
    secretKeyRef: keyRef('SecretKeySelector'),
    fieldRef: obj(`${CORE}.ObjectFieldSelector`, { fieldPath: str, apiVersion: str }),
    resourceFieldRef: ANY,
  }),
});

const envFromSource = obj(`${CORE}.EnvFromSource`, {
  prefix: str,
  configMapRef: obj(`${CORE}.ConfigMapEnvSource`, { name: str, optional: bool }),
  secretRef: obj(`${CORE}.SecretEnvSource`, { name: str, optional: bool }),
});

const containerPort = obj(`${CORE}.ContainerPort`, { name: str, containerPort: int, hostPort: int, protocol: str, hostIP: str });

const execAction = obj(`${CORE}.ExecAction`, { command: strings });
const httpGetAction = obj(`${CORE}.HTTPGetAction`, {
  path: str, port: ios, host: str, scheme: str,
  httpHeaders: arr(obj(`${CORE}.HTTPHeader`, { name: str, value: str })),
});
const tcpSocketAction = obj(`${CORE}.TCPSocketAction`, { port: ios, host: str });

const probe = obj(`${CORE}.Probe`, {
  exec: execAction,
  httpGet: httpGetAction,
  tcpSocket: tcpSocketAction,
  grpc: obj(`${CORE}.GRPCAction`, { port: int, service: str }),
  initialDelaySeconds: int,
  timeoutSeconds: int,
  periodSeconds: int,
  successThreshold: int,
  failureThreshold: int,
  terminationGracePeriodSeconds: int64,
});

const lifecycleHandler = obj(`${CORE}.LifecycleHandler`, {
  exec: execAction, httpGet: httpGetAction, tcpSocket: tcpSocketAction,
  sleep: obj(`${CORE}.SleepAction`, { seconds: int64 }),
});

const resourceRequirements = obj(`${CORE}.ResourceRequirements`, { limits: mapOf(qty), requests: mapOf(qty) });

const container = obj(`${CORE}.Container`, {
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  ports: arr(containerPort, 'containerPort'),
  env: arr(envVar, 'name'),
  envFrom: arr(envFromSource),
  resources: resourceRequirements,
  volumeMounts: arr(
    obj(`${CORE}.VolumeMount`, { name: str, mountPath: str, readOnly: bool, subPath: str, mountPropagation: str }),
    'mountPath',
  ),
  volumeDevices: arr(obj(`${CORE}.VolumeDevice`, { name: str, devicePath: str }), 'devicePath'),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: obj(`${CORE}.Lifecycle`, { postStart: lifecycleHandler, preStop: lifecycleHandler }),
  imagePullPolicy: str,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  restartPolicy: str,
  securityContext: ANY,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

const keyToPath = arr(obj(`${CORE}.KeyToPath`, { key: str, path: str, mode: int }));

// Volume carries patchStrategy "merge,retainKeys": switching emptyDir to configMap drops emptyDir.
const volume = obj(
  `${CORE}.Volume`,
  {
    name: str,
    persistentVolumeClaim: obj(`${CORE}.PersistentVolumeClaimVolumeSource`, { claimName: str, readOnly: bool }),
    configMap: obj(`${CORE}.ConfigMapVolumeSource`, { name: str, optional: bool, items: keyToPath, defaultMode: int }),
    secret: obj(`${CORE}.SecretVolumeSource`, { secretName: str, optional: bool, items: keyToPath, defaultMode: int }),
    emptyDir: obj(`${CORE}.EmptyDirVolumeSource`, { medium: str, sizeLimit: qty }),
    hostPath: obj(`${CORE}.HostPathVolumeSource`, { path: str, type: str }),
    projected: ANY,
    downwardAPI: ANY,
  },
  true,
);

const toleration = obj(`${CORE}.Toleration`, { key: str, operator: str, value: str, effect: str, tolerationSeconds: int64 });

const podSpec = obj(`${CORE}.PodSpec`, {
  containers: arr(container, 'name'),
  initContainers: arr(container, 'name'),
  ephemeralContainers: arr(ANY, 'name'),
  volumes: arr(volume, 'name'),
  restartPolicy: str,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  dnsPolicy: str,
  nodeSelector: mapOf(str),
  nodeName: str,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  enableServiceLinks: bool,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  hostname: str,
  subdomain: str,
  affinity: ANY,
  tolerations: arr(toleration),
  topologySpreadConstraints: arr(
    obj(`${CORE}.TopologySpreadConstraint`, {
      maxSkew: int, topologyKey: str, whenUnsatisfiable: str, labelSelector, minDomains: int,
    }),
    'topologyKey',
  ),
  imagePullSecrets: arr(obj(`${CORE}.LocalObjectReference`, { name: str }), 'name'),
  hostAliases: arr(obj(`${CORE}.HostAlias`, { ip: str, hostnames: strings }), 'ip'),
  schedulerName: str,
  priority: int,
  priorityClassName: str,
  readinessGates: arr(obj(`${CORE}.PodReadinessGate`, { conditionType: str })),
  securityContext: ANY,
});

const podTemplateSpec = obj(`${CORE}.PodTemplateSpec`, { metadata: objectMeta, spec: podSpec });

const pvcSpec = obj(`${CORE}.PersistentVolumeClaimSpec`, {
  accessModes: strings,
  resources: obj(`${CORE}.VolumeResourceRequirements`, { requests: mapOf(qty), limits: mapOf(qty) }),
  storageClassName: str,
  volumeName: str,
  volumeMode: str,
  selector: labelSelector,
});

const jobSpec = obj(`${BATCH}.JobSpec`, {
  parallelism: int,
  completions: int,
  completionMode: str,
  backoffLimit: int,
  backoffLimitPerIndex: int,
  maxFailedIndexes: int,
  activeDeadlineSeconds: int64,
  ttlSecondsAfterFinished: int,
  suspend: bool,
  selector: labelSelector,
  manualSelector: bool,
  template: podTemplateSpec,
  podReplacementPolicy: str,
});

const kind = (group: string, name: string, fields: Record<string, Schema>): ObjectSchema =>
  obj(`${group}.${name}`, { apiVersion: str, kind: str, metadata: objectMeta, status: ANY, ...fields });

export const KIND_SCHEMAS: Record<KindName, ObjectSchema> = {
  Pod: kind(CORE, 'Pod', { spec: podSpec }),
  Namespace: kind(CORE, 'Namespace', { spec: obj(`${CORE}.NamespaceSpec`, { finalizers: strings }) }),
  Node: kind(CORE, 'Node', {
    spec: obj(`${CORE}.NodeSpec`, {
      podCIDR: str, podCIDRs: strings, providerID: str, unschedulable: bool,
      taints: arr(obj(`${CORE}.Taint`, { key: str, value: str, effect: str, timeAdded: str })),
    }),
  }),
  Service: kind(CORE, 'Service', {
    spec: obj(`${CORE}.ServiceSpec`, {
      type: str,
      selector: mapOf(str),
      ports: arr(
        obj(`${CORE}.ServicePort`, { name: str, protocol: str, port: int, targetPort: ios, nodePort: int, appProtocol: str }),
        'port',
      ),
      clusterIP: str,
      clusterIPs: strings,
      externalIPs: strings,
      externalName: str,
      sessionAffinity: str,
      publishNotReadyAddresses: bool,
      ipFamilies: strings,
      ipFamilyPolicy: str,
      internalTrafficPolicy: str,
      externalTrafficPolicy: str,
      loadBalancerIP: str,
    }),
  }),
  Endpoints: kind(CORE, 'Endpoints', { subsets: arr(ANY) }),
  ConfigMap: kind(CORE, 'ConfigMap', { data: mapOf(str), binaryData: mapOf(str), immutable: bool }),
  Secret: kind(CORE, 'Secret', { type: str, data: mapOf(str), stringData: mapOf(str), immutable: bool }),
  PersistentVolume: kind(CORE, 'PersistentVolume', {
    spec: obj(`${CORE}.PersistentVolumeSpec`, {
      capacity: mapOf(qty),
      accessModes: strings,
      persistentVolumeReclaimPolicy: str,
      storageClassName: str,
      volumeMode: str,
      claimRef: ANY,
      hostPath: obj(`${CORE}.HostPathVolumeSource`, { path: str, type: str }),
      local: obj(`${CORE}.LocalVolumeSource`, { path: str }),
      nfs: obj(`${CORE}.NFSVolumeSource`, { server: str, path: str }),
      csi: ANY,
      nodeAffinity: ANY,
      mountOptions: strings,
    }),
  }),
  PersistentVolumeClaim: kind(CORE, 'PersistentVolumeClaim', { spec: pvcSpec }),
  Event: kind(CORE, 'Event', {}),
  StorageClass: kind('io.k8s.api.storage.v1', 'StorageClass', {
    provisioner: str,
    parameters: mapOf(str),
    reclaimPolicy: str,
    volumeBindingMode: str,
    allowVolumeExpansion: bool,
    mountOptions: strings,
  }),
  Deployment: kind(APPS, 'Deployment', {
    spec: obj(`${APPS}.DeploymentSpec`, {
      replicas: int,
      selector: labelSelector,
      template: podTemplateSpec,
      strategy: obj(
        `${APPS}.DeploymentStrategy`,
        { type: str, rollingUpdate: obj(`${APPS}.RollingUpdateDeployment`, { maxUnavailable: ios, maxSurge: ios }) },
        true,
      ),
      minReadySeconds: int,
      revisionHistoryLimit: int,
      paused: bool,
      progressDeadlineSeconds: int,
    }),
  }),
  ReplicaSet: kind(APPS, 'ReplicaSet', {
    spec: obj(`${APPS}.ReplicaSetSpec`, { replicas: int, minReadySeconds: int, selector: labelSelector, template: podTemplateSpec }),
  }),
  StatefulSet: kind(APPS, 'StatefulSet', {
    spec: obj(`${APPS}.StatefulSetSpec`, {
      replicas: int,
      selector: labelSelector,
      template: podTemplateSpec,
      serviceName: str,
      volumeClaimTemplates: arr(obj(`${CORE}.PersistentVolumeClaim`, { apiVersion: str, kind: str, metadata: objectMeta, spec: pvcSpec })),
      podManagementPolicy: str,
      updateStrategy: obj(`${APPS}.StatefulSetUpdateStrategy`, {
        type: str,
        rollingUpdate: obj(`${APPS}.RollingUpdateStatefulSetStrategy`, { partition: int, maxUnavailable: ios }),
      }),
      revisionHistoryLimit: int,
      minReadySeconds: int,
      persistentVolumeClaimRetentionPolicy: obj(`${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`, {
        whenDeleted: str, whenScaled: str,
      }),
      ordinals: obj(`${APPS}.StatefulSetOrdinals`, { start: int }),
    }),
  }),
  DaemonSet: kind(APPS, 'DaemonSet', {
    spec: obj(`${APPS}.DaemonSetSpec`, {
      selector: labelSelector,
      template: podTemplateSpec,
      updateStrategy: obj(
        `${APPS}.DaemonSetUpdateStrategy`,
        { type: str, rollingUpdate: obj(`${APPS}.RollingUpdateDaemonSet`, { maxUnavailable: ios, maxSurge: ios }) },
        true,
      ),
      minReadySeconds: int,
      revisionHistoryLimit: int,
    }),
  }),
  ControllerRevision: kind(APPS, 'ControllerRevision', { data: ANY, revision: int }),
  Job: kind(BATCH, 'Job', { spec: jobSpec }),
  CronJob: kind(BATCH, 'CronJob', {
    spec: obj(`${BATCH}.CronJobSpec`, {
      schedule: str,
      timeZone: str,
      startingDeadlineSeconds: int64,
      concurrencyPolicy: str,
      suspend: bool,
      jobTemplate: obj(`${BATCH}.JobTemplateSpec`, { metadata: objectMeta, spec: jobSpec }),
      successfulJobsHistoryLimit: int,
      failedJobsHistoryLimit: int,
    }),
  }),
};

export function schemaForKind(kind: string): ObjectSchema | undefined {
  return (KIND_SCHEMAS as Record<string, ObjectSchema>)[kind];
}

import { describe as suite, it, expect } from 'vitest';
import type { AnyObject, Event, KindMap, KindName, Node, Pod } from '../../src/engine/api/types.js';
import type { ClusterReader, ListOptions } from '../../src/engine/client.js';
import { describe } from '../../src/printers/describe.js';
import { MIN, NOW, ago, containerStatus, running } from './fixtures.js';

function readerOf(objects: AnyObject[]): ClusterReader {
  return {
    get<K extends KindName>(kind: K, namespace: string | undefined, name: string) {
      return objects.find((o) => o.kind === kind && o.metadata.name === name && (!namespace || o.metadata.namespace === namespace)) as KindMap[K] | undefined;
    },
    list<K extends KindName>(kind: K, options: ListOptions = {}) {
      return objects.filter((o) => o.kind === kind && (!options.namespace || o.metadata.namespace === options.namespace)) as KindMap[K][];
    },
    watch: () => () => {},
  };
}

const T0 = '2025-01-01T00:55:00Z';

const webPod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c-x2x9q', namespace: 'default', uid: 'pod-uid', creationTimestamp: T0,
    labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-uid', controller: true }],
  },
  spec: {
    nodeName: 'node-1',
    serviceAccountName: 'default',
    priority: 0,
    containers: [{
      name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 5 },
      readinessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
      env: [{ name: 'MODE', value: 'prod' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
    }],
    volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    startTime: T0,
    qosClass: 'Burstable',
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'True' },
      { type: 'ContainersReady', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [containerStatus('web', running('2025-01-01T00:58:00Z'), {
      ready: true, restartCount: 1, containerID: 'containerd://abc123', imageID: 'docker.io/library/nginx@sha256:1234',
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2025-01-01T00:55:10Z', finishedAt: '2025-01-01T00:57:59Z' } },
    })],
  },
};

const event = (name: string, e: Partial<Event>): Event => ({
  apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'web-7d4b9c-x2x9q', namespace: 'default', uid: 'pod-uid' }, ...e,
});

const podEvents: Event[] = [
  event('e2', {
    type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
    firstTimestamp: ago(4 * MIN), lastTimestamp: ago(3 * MIN), count: 4, source: { component: 'kubelet' },
  }),
  event('e1', {
    type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web-7d4b9c-x2x9q to node-1',
    firstTimestamp: ago(5 * MIN), lastTimestamp: ago(5 * MIN), count: 1, source: { component: 'default-scheduler' },
  }),
  // Another pod's event with the same name but another uid is not shown.
  event('other', { involvedObject: { kind: 'Pod', name: 'web-7d4b9c-x2x9q', namespace: 'default', uid: 'old-uid' }, reason: 'Old', lastTimestamp: ago(MIN) }),
];

suite('describe pod', () => {
  it('prints kubectl describe pod', () => {
    const out = describe(webPod, readerOf([webPod, ...podEvents]), { now: NOW });
    expect(out).toBe(`Name:             web-7d4b9c-x2x9q
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/10.0.0.1
Start Time:       Wed, 01 Jan 2025 00:55:00 +0000
Labels:           app=web
                  pod-template-hash=7d4b9c
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:           10.244.1.5
Controlled By:  ReplicaSet/web-7d4b9c
Containers:
  web:
    Container ID:   containerd://abc123
    Image:          nginx:1.25
    Image ID:       docker.io/library/nginx@sha256:1234
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 01 Jan 2025 00:58:00 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Wed, 01 Jan 2025 00:55:10 +0000
      Finished:     Wed, 01 Jan 2025 00:57:59 +0000
    Ready:          True
    Restart Count:  1
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:      250m
      memory:   64Mi
    Liveness:   http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3
    Readiness:  exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3
    Environment:
      MODE:      prod
      POD_NAME:  web-7d4b9c-x2x9q (v1:metadata.name)
    Mounts:
      /etc/web from config (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             True
  ContainersReady   True
  PodScheduled      True
Volumes:
  config:
    Type:        ConfigMap (a volume populated by a ConfigMap)
    Name:        web-config
    Optional:    false
QoS Class:       Burstable
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age              From               Message
  ----     ------     ----             ----               -------
  Normal   Scheduled  5m               default-scheduler  Successfully assigned default/web-7d4b9c-x2x9q to node-1
  Warning  Unhealthy  3m (x4 over 4m)  kubelet            Liveness probe failed: HTTP probe failed with statuscode: 500
`);
  });

  it('shows Terminating and <none> for a deleted, unscheduled pod without events', () => {
    const p: Pod = { ...webPod, metadata: { ...webPod.metadata, deletionTimestamp: ago(20_000), deletionGracePeriodSeconds: 30 }, spec: { ...webPod.spec, nodeName: undefined } };
    const out = describe(p, readerOf([p]), { now: NOW });
    // `Termination Grace Period:` widens the first block, and `Events:` joins the Tolerations block.
    expect(out).toContain('Node:                      <none>\n');
    expect(out).toContain('Status:                    Terminating (lasts 20s)\nTermination Grace Period:  30s\n');
    expect(out.endsWith('Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\nEvents:          <none>\n')).toBe(true);
  });
});

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', uid: 'node-uid', creationTimestamp: '2025-01-01T00:00:00Z', labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/worker': '' } },
  spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
  status: {
    capacity: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' },
    allocatable: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' },
    conditions: [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: '2025-01-01T00:59:50Z', lastTransitionTime: '2025-01-01T00:00:00Z' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2025-01-01T00:59:50Z', lastTransitionTime: '2025-01-01T00:00:30Z' },
    ],
    addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'node-1' }],
    nodeInfo: {
      machineID: 'm-1', systemUUID: 's-1', bootID: 'b-1', kernelVersion: '6.8.0-31-generic', osImage: 'Ubuntu 24.04 LTS',
      containerRuntimeVersion: 'containerd://1.7.13', kubeletVersion: 'v1.31.0', kubeProxyVersion: 'v1.31.0', operatingSystem: 'linux', architecture: 'amd64',
    },
  },
};

const bestEffort: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'busybox', namespace: 'kube-system', uid: 'bb', creationTimestamp: ago(2 * MIN) },
  spec: { nodeName: 'node-1', containers: [{ name: 'sh' }] }, status: { phase: 'Running' },
};
const finished: Pod = { ...bestEffort, metadata: { ...bestEffort.metadata, name: 'done', uid: 'done' }, status: { phase: 'Succeeded' } };
const nodeEvent: Event = {
  apiVersion: 'v1', kind: 'Event', metadata: { name: 'node-1.cordon', namespace: 'default' },
  involvedObject: { kind: 'Node', name: 'node-1', uid: 'node-1' }, type: 'Normal', reason: 'NodeNotSchedulable',
  message: 'Node node-1 status is now: NodeNotSchedulable', firstTimestamp: ago(MIN), lastTimestamp: ago(MIN), count: 1, source: { component: 'kubelet', host: 'node-1' },
};

suite('describe node', () => {
  it('prints kubectl describe node with pods, allocated resources and events', () => {
    const out = describe(node, readerOf([node, webPod, bestEffort, finished, nodeEvent]), { now: NOW });
    expect(out).toBe(`Name:               node-1
Roles:              worker
Labels:             kubernetes.io/hostname=node-1
                    node-role.kubernetes.io/worker=
Annotations:        <none>
CreationTimestamp:  Wed, 01 Jan 2025 00:00:00 +0000
Taints:             node.kubernetes.io/unschedulable:NoSchedule
Unschedulable:      true
Lease:
  HolderIdentity:  node-1
  AcquireTime:     <unset>
  RenewTime:       Wed, 01 Jan 2025 00:59:50 +0000
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Wed, 01 Jan 2025 00:59:50 +0000   Wed, 01 Jan 2025 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  Ready            True    Wed, 01 Jan 2025 00:59:50 +0000   Wed, 01 Jan 2025 00:00:30 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  10.0.0.1
  Hostname:    node-1
Capacity:
  cpu:                2
  ephemeral-storage:  20Gi
  memory:             4Gi
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  20Gi
  memory:             4Gi
  pods:               110
System Info:
  Machine ID:                 m-1
  System UUID:                s-1
  Boot ID:                    b-1
  Kernel Version:             6.8.0-31-generic
  OS Image:                   Ubuntu 24.04 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.13
  Kubelet Version:            v1.31.0
  Kube-Proxy Version:         v1.31.0
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name                CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                ------------  ----------  ---------------  -------------  ---
  default                     web-7d4b9c-x2x9q    250m (12%)    500m (25%)  64Mi (1%)        128Mi (3%)     5m
  kube-system                 busybox             0 (0%)        0 (0%)      0 (0%)           0 (0%)         2m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                250m (12%)  500m (25%)
  memory             64Mi (1%)   128Mi (3%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:
  Type    Reason              Age   From     Message
  ----    ------              ----  ----     -------
  Normal  NodeNotSchedulable  60s   kubelet  Node node-1 status is now: NodeNotSchedulable
`);
  });
});

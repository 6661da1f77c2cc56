import { describe, it, expect } from 'vitest';
import type {
  ConfigMap, ControllerRevision, CronJob, DaemonSet, Deployment, Endpoints, Event, Job, KindMap, KindName, Namespace, Node,
  PersistentVolume, PersistentVolumeClaim, ReplicaSet, Secret, Service, StatefulSet, StorageClass,
} from '../../src/engine/api/types.js';
import { buildTable, printerFor } from '../../src/printers/printers.js';
import { formatTable, type FormatTableOptions } from '../../src/printers/table.js';
import { formatMultiKind, GET_ALL_KINDS } from '../../src/printers/getAll.js';
import { MIN, NOW, ago, containerStatus, pod, running } from './fixtures.js';

const text = (...lines: string[]): string => lines.join('\n') + '\n';
const meta = (name: string, namespace: string | undefined = 'default') => ({ name, namespace, uid: `uid-${name}`, creationTimestamp: ago(5 * MIN) });
const template = (name: string, image: string) => ({ metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } });
function table<K extends KindName>(kind: K, objects: KindMap[K][], opts: FormatTableOptions = {}): string {
  return formatTable(buildTable(kind, objects, { now: NOW, wide: opts.wide }), opts);
}

const webPod = pod('web-1', {
  spec: { nodeName: 'node-1' },
  status: {
    phase: 'Running',
    podIP: '10.244.1.5',
    podIPs: [{ ip: '10.244.1.5' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [containerStatus('web', running(), { ready: true })],
  },
});
const dbPod = pod('db-0', {
  spec: { nodeName: 'node-2' },
  status: {
    phase: 'Running',
    containerStatuses: [
      containerStatus('web', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 4, lastState: { terminated: { exitCode: 1, finishedAt: ago(30_000) } } }),
    ],
  },
});

describe('pods', () => {
  it('prints NAME READY STATUS RESTARTS AGE', () => {
    expect(table('Pod', [webPod, dbPod])).toBe(text(
      'NAME    READY   STATUS             RESTARTS      AGE',
      'web-1   1/1     Running            0             5m',
      'db-0    0/1     CrashLoopBackOff   4 (30s ago)   5m',
    ));
  });

  it('adds IP NODE NOMINATED NODE READINESS GATES with -o wide', () => {
    expect(table('Pod', [webPod, dbPod], { wide: true })).toBe(text(
      'NAME    READY   STATUS             RESTARTS      AGE   IP           NODE     NOMINATED NODE   READINESS GATES',
      'web-1   1/1     Running            0             5m    10.244.1.5   node-1   <none>           <none>',
      'db-0    0/1     CrashLoopBackOff   4 (30s ago)   5m    <none>       node-2   <none>           <none>',
    ));
  });

  it('prepends NAMESPACE with -A and drops the header with --no-headers', () => {
    expect(table('Pod', [webPod], { namespace: 'column' })).toBe(text(
      'NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE',
      'default     web-1   1/1     Running   0          5m',
    ));
    // kubectl's tabwriter has a minimum cell width of 6.
    expect(table('Pod', [webPod], { noHeaders: true })).toBe(text('web-1   1/1   Running   0     5m'));
  });

  it('counts readiness gates', () => {
    const gated = pod('g', { spec: { readinessGates: [{ conditionType: 'example.com/lb' }] }, status: { phase: 'Pending', conditions: [{ type: 'example.com/lb', status: 'True' }] } });
    expect(printerFor('Pod').row(gated, { now: NOW }).at(-1)).toBe('1/1');
  });
});

const deployment: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('web', 'nginx:1.25') },
  status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
};

describe('workload controllers', () => {
  it('deployments', () => {
    expect(table('Deployment', [deployment])).toBe(text(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE',
      'web    2/3     3            2           5m',
    ));
    expect(table('Deployment', [deployment], { wide: true })).toBe(text(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR',
      'web    2/3     3            2           5m    web          nginx:1.25   app=web',
    ));
  });

  it('replicasets', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-5d4f8'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8' } }, template: template('web', 'nginx:1.25') },
      status: { replicas: 3, readyReplicas: 2 },
    };
    expect(table('ReplicaSet', [rs])).toBe(text(
      'NAME        DESIRED   CURRENT   READY   AGE',
      'web-5d4f8   3         3         2       5m',
    ));
    expect(table('ReplicaSet', [rs], { wide: true })).toBe(text(
      'NAME        DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES       SELECTOR',
      'web-5d4f8   3         3         2       5m    web          nginx:1.25   app=web,pod-template-hash=5d4f8',
    ));
  });

  it('statefulsets', () => {
    const sts: StatefulSet = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, template: template('postgres', 'postgres:16') },
      status: { replicas: 2, readyReplicas: 1 },
    };
    expect(table('StatefulSet', [sts])).toBe(text('NAME   READY   AGE', 'db     1/3     5m'));
    expect(table('StatefulSet', [sts], { wide: true })).toBe(text(
      'NAME   READY   AGE   CONTAINERS   IMAGES',
      'db     1/3     5m    postgres     postgres:16',
    ));
  });

  it('daemonsets', () => {
    const ds: DaemonSet = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('fluentd', 'kube-system'),
      spec: { selector: { matchLabels: { app: 'fluentd' } }, template: template('fluentd', 'fluentd:v1') },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0 },
    };
    expect(table('DaemonSet', [ds])).toBe(text(
      'NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE',
      'fluentd   3         3         3       3            3           <none>          5m',
    ));
    expect(table('DaemonSet', [ds], { wide: true })).toBe(text(
      'NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES       SELECTOR',
      'fluentd   3         3         3       3            3           <none>          5m    fluentd      fluentd:v1   app=fluentd',
    ));
  });

  it('jobs: STATUS, COMPLETIONS (s/N and s/1 of P) and DURATION', () => {
    const job = (name: string, spec: Partial<Job['spec']>, status: Job['status']): Job => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: meta(name),
      spec: { template: template(name, 'perl:5'), selector: { matchLabels: { 'batch.kubernetes.io/job-name': name } }, ...spec },
      status,
    });
    const pi = job('pi', { completions: 1 }, {
      succeeded: 1, startTime: ago(4 * MIN), completionTime: ago(4 * MIN - 10_000), conditions: [{ type: 'Complete', status: 'True' }],
    });
    const batch = job('batch', { parallelism: 2 }, { active: 2, startTime: ago(2 * MIN) });
    expect(table('Job', [pi, batch])).toBe(text(
      'NAME    STATUS     COMPLETIONS   DURATION   AGE',
      'pi      Complete   1/1           10s        5m',
      'batch   Running    0/1 of 2      2m         5m',
    ));
    expect(table('Job', [pi], { wide: true })).toBe(text(
      'NAME   STATUS     COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES   SELECTOR',
      'pi     Complete   1/1           10s        5m    pi           perl:5   batch.kubernetes.io/job-name=pi',
    ));
    const row = (j: Job) => printerFor('Job').row(j, { now: NOW })[1];
    expect(row(job('f', {}, { conditions: [{ type: 'Failed', status: 'True' }] }))).toBe('Failed');
    expect(row(job('s', { suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }))).toBe('Suspended');
    expect(row(job('t', {}, { conditions: [{ type: 'FailureTarget', status: 'True' }] }))).toBe('FailureTarget');
  });

  it('cronjobs', () => {
    const cj: CronJob = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('hello'),
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template('hello', 'busybox:1.36') } } },
      status: { active: [{ name: 'hello-28934' }], lastScheduleTime: ago(2 * MIN) },
    };
    expect(table('CronJob', [cj])).toBe(text(
      'NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE',
      'hello   */5 * * * *   <none>     False     1        2m              5m',
    ));
    expect(table('CronJob', [cj], { wide: true })).toBe(text(
      'NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE   CONTAINERS   IMAGES         SELECTOR',
      'hello   */5 * * * *   <none>     False     1        2m              5m    hello        busybox:1.36   <none>',
    ));
  });

  it('controllerrevisions', () => {
    const cr: ControllerRevision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 1,
      metadata: { ...meta('db-7f9c'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] },
    };
    expect(table('ControllerRevision', [cr])).toBe(text(
      'NAME      CONTROLLER            REVISION   AGE',
      'db-7f9c   statefulset.apps/db   1          5m',
    ));
  });
});

describe('networking', () => {
  const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec, status });
  const services = [
    svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] }),
    svc('web', { type: 'NodePort', clusterIPs: ['10.96.10.20'], selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
    svc('db', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' }, ports: [{ port: 5432 }] }),
    svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.7.7'], selector: { app: 'lb' }, ports: [{ port: 80, nodePort: 31000 }] }),
  ];

  it('services', () => {
    expect(table('Service', services)).toBe(text(
      'NAME         TYPE           CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE',
      'kubernetes   ClusterIP      10.96.0.1     <none>        443/TCP        5m',
      'web          NodePort       10.96.10.20   <none>        80:30080/TCP   5m',
      'db           ClusterIP      None          <none>        5432/TCP       5m',
      'lb           LoadBalancer   10.96.7.7     <pending>     80:31000/TCP   5m',
    ));
    expect(table('Service', services, { wide: true })).toBe(text(
      'NAME         TYPE           CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE   SELECTOR',
      'kubernetes   ClusterIP      10.96.0.1     <none>        443/TCP        5m    <none>',
      'web          NodePort       10.96.10.20   <none>        80:30080/TCP   5m    app=web',
      'db           ClusterIP      None          <none>        5432/TCP       5m    app=db',
      'lb           LoadBalancer   10.96.7.7     <pending>     80:31000/TCP   5m    app=lb',
    ));
  });

  it('a LoadBalancer shows its ingress, clipped to 16 characters unless wide', () => {
    const lb = svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.7.7'], ports: [] }, { loadBalancer: { ingress: [{ hostname: 'a1b2c3.elb.example.com' }] } });
    expect(printerFor('Service').row(lb, { now: NOW })[3]).toBe('a1b2c3.elb.ex...');
    expect(printerFor('Service').row(lb, { now: NOW, wide: true })[3]).toBe('a1b2c3.elb.example.com');
    expect(printerFor('Service').row(lb, { now: NOW })[4]).toBe('<none>');
  });

  it('endpoints: up to three ip:port, then + N more...', () => {
    const ep = (name: string, subsets: Endpoints['subsets']): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: meta(name), subsets });
    const web = ep('web', [{ addresses: ['10.244.1.1', '10.244.1.2', '10.244.1.3', '10.244.1.4'].map((ip) => ({ ip })), ports: [{ port: 80 }] }]);
    const endpoints = '10.244.1.1:80,10.244.1.2:80,10.244.1.3:80 + 1 more...';
    expect(table('Endpoints', [web, ep('empty', [])])).toBe(text(
      `NAME    ${'ENDPOINTS'.padEnd(endpoints.length + 3)}AGE`,
      `web     ${endpoints}   5m`,
      `empty   ${'<none>'.padEnd(endpoints.length + 3)}5m`,
    ));
  });
});

describe('cluster objects', () => {
  const node = (name: string, ready: 'True' | 'False', labels: Record<string, string>, unschedulable = false): Node => ({
    apiVersion: 'v1', kind: 'Node', metadata: { ...meta(name, undefined), labels },
    spec: { unschedulable },
    status: {
      conditions: [{ type: 'Ready', status: ready }],
      addresses: [{ type: 'InternalIP', address: name === 'node-1' ? '10.0.0.1' : '10.0.0.2' }],
      nodeInfo: {
        kubeletVersion: 'v1.31.0', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0-31-generic', containerRuntimeVersion: 'containerd://1.7.13',
        machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  });
  const nodes = [node('node-1', 'True', { 'node-role.kubernetes.io/control-plane': '' }), node('node-2', 'False', {}, true)];

  it('nodes', () => {
    expect(table('Node', nodes)).toBe(text(
      'NAME     STATUS                        ROLES           AGE   VERSION',
      'node-1   Ready                         control-plane   5m    v1.31.0',
      'node-2   NotReady,SchedulingDisabled   <none>          5m    v1.31.0',
    ));
    expect(table('Node', nodes, { wide: true })).toBe(text(
      'NAME     STATUS                        ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE           KERNEL-VERSION     CONTAINER-RUNTIME',
      'node-1   Ready                         control-plane   5m    v1.31.0   10.0.0.1      <none>        Ubuntu 24.04 LTS   6.8.0-31-generic   containerd://1.7.13',
      'node-2   NotReady,SchedulingDisabled   <none>          5m    v1.31.0   10.0.0.2      <none>        Ubuntu 24.04 LTS   6.8.0-31-generic   containerd://1.7.13',
    ));
  });

  it('node STATUS is Unknown without a Ready condition; roles are sorted', () => {
    const n = node('n', 'True', { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra' });
    n.status!.conditions = [];
    expect(printerFor('Node').row(n, { now: NOW }).slice(1, 3)).toEqual(['Unknown', 'control-plane,infra,worker']);
  });

  it('namespaces, configmaps, secrets', () => {
    const ns = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(name, undefined), status: { phase: 'Active' } });
    expect(table('Namespace', [ns('default'), ns('kube-system')])).toBe(text(
      'NAME          STATUS   AGE',
      'default       Active   5m',
      'kube-system   Active   5m',
    ));
    const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('app-config'), data: { 'app.conf': 'x' }, binaryData: { logo: 'AAAA' } };
    expect(table('ConfigMap', [cm])).toBe(text('NAME         DATA   AGE', 'app-config   2      5m'));
    const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: meta('db-pass'), type: 'Opaque', data: { password: 'cGFzcw==' } };
    expect(table('Secret', [secret])).toBe(text('NAME      TYPE     DATA   AGE', 'db-pass   Opaque   1      5m'));
  });
});

describe('storage', () => {
  const pv: PersistentVolume = {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('pv-1', undefined),
    spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'standard', volumeMode: 'Filesystem', claimRef: { namespace: 'default', name: 'data-db-0' },
    },
    status: { phase: 'Bound' },
  };

  it('persistentvolumes', () => {
    expect(table('PersistentVolume', [pv])).toBe(text(
      'NAME   CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE',
      'pv-1   1Gi        RWO,RWX        Retain           Bound    default/data-db-0   standard       <unset>                          5m',
    ));
    expect(table('PersistentVolume', [pv], { wide: true })).toBe(text(
      'NAME   CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE   VOLUMEMODE',
      'pv-1   1Gi        RWO,RWX        Retain           Bound    default/data-db-0   standard       <unset>                          5m    Filesystem',
    ));
  });

  it('persistentvolumeclaims: capacity and access modes only once bound', () => {
    const pvc = (name: string, spec: PersistentVolumeClaim['spec'], status: PersistentVolumeClaim['status']): PersistentVolumeClaim => ({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(name), spec, status,
    });
    const claims = [
      pvc('data-db-0', { storageClassName: 'standard', volumeName: 'pv-1', resources: { requests: { storage: '1Gi' } } }, {
        phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'],
      }),
      pvc('cache', { storageClassName: 'standard', resources: { requests: { storage: '5Gi' } } }, { phase: 'Pending' }),
    ];
    expect(table('PersistentVolumeClaim', claims)).toBe(text(
      'NAME        STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE',
      'data-db-0   Bound     pv-1     1Gi        RWO            standard       <unset>                 5m',
      'cache       Pending                                      standard       <unset>                 5m',
    ));
    expect(table('PersistentVolumeClaim', claims.slice(0, 1), { wide: true })).toBe(text(
      'NAME        STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE',
      'data-db-0   Bound    pv-1     1Gi        RWO            standard       <unset>                 5m    <unset>',
    ));
  });

  it('storageclasses', () => {
    const sc: StorageClass = {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer',
      metadata: { ...meta('standard', undefined), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    };
    expect(table('StorageClass', [sc])).toBe(text(
      'NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE',
      'standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  5m',
    ));
  });
});

describe('events', () => {
  const event = (name: string, e: Partial<Event>): Event => ({
    apiVersion: 'v1', kind: 'Event', metadata: meta(name), involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' }, ...e,
  });
  const events = [
    event('web-1.1', {
      type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web-1 to node-1',
      firstTimestamp: ago(30_000), lastTimestamp: ago(30_000), count: 1, source: { component: 'default-scheduler' },
    }),
    event('db-0.1', {
      involvedObject: { kind: 'Pod', name: 'db-0', namespace: 'default', fieldPath: 'spec.containers{db}' },
      type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container db in pod db-0_default(uid-db-0)',
      firstTimestamp: ago(4 * MIN), lastTimestamp: ago(2 * MIN), count: 4, source: { component: 'kubelet', host: 'node-2' },
    }),
  ];

  it('prints LAST SEEN TYPE REASON OBJECT MESSAGE in store order', () => {
    expect(table('Event', events)).toBe(text(
      'LAST SEEN   TYPE      REASON      OBJECT      MESSAGE',
      '30s         Normal    Scheduled   pod/web-1   Successfully assigned default/web-1 to node-1',
      '2m          Warning   BackOff     pod/db-0    Back-off restarting failed container db in pod db-0_default(uid-db-0)',
    ));
  });

  it('-o wide adds SUBOBJECT SOURCE FIRST SEEN COUNT NAME', () => {
    expect(table('Event', events.slice(1), { wide: true })).toBe(text(
      `LAST SEEN   TYPE      REASON    OBJECT     SUBOBJECT             SOURCE            ${'MESSAGE'.padEnd(72)}FIRST SEEN   COUNT   NAME`,
      '2m          Warning   BackOff   pod/db-0   spec.containers{db}   kubelet, node-2   Back-off restarting failed container db in pod db-0_default(uid-db-0)   4m           4       db-0.1',
    ));
  });
});

describe('several kinds at once', () => {
  it('prefixes names with the kind and separates tables with a blank line', () => {
    const out = formatMultiKind([{ kind: 'Deployment', objects: [deployment] }, { kind: 'Pod', objects: [webPod] }], {}, { now: NOW });
    expect(out).toBe(text(
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE',
      'deployment.apps/web   2/3     3            2           5m',
      '',
      'NAME        READY   STATUS    RESTARTS   AGE',
      'pod/web-1   1/1     Running   0          5m',
    ));
  });

  it('skips empty kinds and prints plain names for a single kind', () => {
    expect(formatMultiKind([{ kind: 'Pod', objects: [webPod] }], {}, { now: NOW })).toBe(text(
      'NAME    READY   STATUS    RESTARTS   AGE',
      'web-1   1/1     Running   0          5m',
    ));
    expect(formatMultiKind([{ kind: 'Service', objects: [] }, { kind: 'Pod', objects: [] }], {}, { now: NOW })).toBe('');
  });

  it('orders `get all` like kubectl discovery', () => {
    expect(GET_ALL_KINDS).toEqual(['Pod', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'CronJob', 'Job']);
  });
});

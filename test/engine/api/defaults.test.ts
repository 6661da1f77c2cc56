import { describe, expect, it } from 'vitest';
import { addDefaultTolerations, applyDefaults, defaultPullPolicy, jobSelectorAndLabels } from '../../../src/engine/api/defaults.js';
import type {
  CronJob, DaemonSet, Deployment, Job, Namespace, PersistentVolume, PersistentVolumeClaim, Pod, PodSpec, ReplicaSet,
  Secret, Service, StatefulSet,
} from '../../../src/engine/api/types.js';

const podSpec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'app', image: 'nginx:1.25' }], ...extra });
const template = (spec: PodSpec = podSpec()) => ({ metadata: { labels: { app: 'web' } }, spec });

const pod = (spec: PodSpec = podSpec()): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const deployment = (spec: Partial<Deployment['spec']> = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
});

const NOT_READY = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const UNREACHABLE = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

describe('applyDefaults: Pod', () => {
  it('fills the pod spec, container and admission defaults', () => {
    const out = applyDefaults(pod());
    expect(out.spec).toEqual({
      containers: [{
        name: 'app',
        image: 'nginx:1.25',
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      priority: 0,
      tolerations: [NOT_READY, UNREACHABLE],
    });
  });

  it('never mutates its input', () => {
    const input = pod(podSpec({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }] }] }));
    const snapshot = structuredClone(input);
    const out = applyDefaults(input);
    expect(input).toEqual(snapshot);
    expect(out).not.toBe(input);
    expect(out.spec.containers[0]).not.toBe(input.spec.containers[0]);
  });

  it('keeps what the user set', () => {
    const out = applyDefaults(pod(podSpec({ restartPolicy: 'Never', terminationGracePeriodSeconds: 0, dnsPolicy: 'Default', serviceAccountName: 'builder' })));
    expect(out.spec.restartPolicy).toBe('Never');
    expect(out.spec.terminationGracePeriodSeconds).toBe(0);
    expect(out.spec.dnsPolicy).toBe('Default');
    expect(out.spec.serviceAccountName).toBe('builder');
  });

  it('defaults ports, probes and httpGet', () => {
    const out = applyDefaults(pod(podSpec({
      containers: [{
        name: 'app',
        image: 'nginx',
        ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
        livenessProbe: { httpGet: { port: 80 } },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
      }],
    })));
    const c = out.spec.containers[0]!;
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }]);
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
  });

  it('requests default to limits', () => {
    const out = applyDefaults(pod(podSpec({
      containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }],
    })));
    expect(out.spec.containers[0]!.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  });

  it('defaults configMap/secret volume modes and hostPath type', () => {
    const out = applyDefaults(pod(podSpec({
      volumes: [{ name: 'c', configMap: { name: 'cm' } }, { name: 's', secret: { secretName: 's' } }, { name: 'h', hostPath: { path: '/x' } }],
    })));
    expect(out.spec.volumes).toEqual([
      { name: 'c', configMap: { name: 'cm', defaultMode: 420 } },
      { name: 's', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'h', hostPath: { path: '/x', type: '' } },
    ]);
  });

  it('hostNetwork pods get hostPort = containerPort', () => {
    const out = applyDefaults(pod(podSpec({ hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 9100 }] }] })));
    expect(out.spec.containers[0]!.ports).toEqual([{ containerPort: 9100, protocol: 'TCP', hostPort: 9100 }]);
  });
});

describe('defaultPullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'],
    ['registry.k8s.io/pause:3.9', 'IfNotPresent'],
    ['nginx@sha256:abcd', 'IfNotPresent'],
    ['nginx:latest@sha256:abcd', 'Always'],
  ])('%s -> %s', (image, want) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });
});

describe('addDefaultTolerations', () => {
  it.each([
    ['no tolerations', [], [NOT_READY, UNREACHABLE]],
    ['an own not-ready toleration is kept', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 60 }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }, UNREACHABLE]],
    ['tolerate-everything adds nothing', [{ operator: 'Exists' as const }], [{ operator: 'Exists' }]],
    ['a NoSchedule toleration does not count', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoSchedule' as const }],
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, NOT_READY, UNREACHABLE]],
  ])('%s', (_name, tolerations, want) => {
    expect(addDefaultTolerations(pod(podSpec({ tolerations }))).spec.tolerations).toEqual(want);
  });

  it('is idempotent', () => {
    const once = addDefaultTolerations(pod());
    expect(addDefaultTolerations(once).spec.tolerations).toEqual(once.spec.tolerations);
  });
});

describe('applyDefaults: workloads', () => {
  it('Deployment', () => {
    const out = applyDefaults(deployment());
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(out.spec.revisionHistoryLimit).toBe(10);
    expect(out.spec.progressDeadlineSeconds).toBe(600);
    expect(out.spec.minReadySeconds).toBeUndefined(); // 0 is omitted on the wire
    expect(out.metadata.labels).toBeUndefined(); // apps/v1 does not copy template labels
  });

  it('Deployment templates get pod spec defaults but no pod-only admission defaults', () => {
    const spec = applyDefaults(deployment()).spec.template.spec;
    expect(spec.restartPolicy).toBe('Always');
    expect(spec.schedulerName).toBe('default-scheduler');
    expect(spec.containers[0]!.imagePullPolicy).toBe('IfNotPresent');
    expect(spec.serviceAccountName).toBeUndefined();
    expect(spec.tolerations).toBeUndefined();
    expect(spec.priority).toBeUndefined();
  });

  it('Deployment keeps a partial rollingUpdate and a Recreate strategy', () => {
    expect(applyDefaults(deployment({ strategy: { rollingUpdate: { maxSurge: 1 } } })).spec.strategy)
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
    expect(applyDefaults(deployment({ strategy: { type: 'Recreate' } })).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('ReplicaSet', () => {
    const rs: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: {}, template: template() } };
    expect(applyDefaults(rs).spec.replicas).toBe(1);
  });

  it('StatefulSet', () => {
    const sts: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        serviceName: 'db',
        template: template(),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    const out = applyDefaults(sts).spec;
    expect(out.replicas).toBe(1);
    expect(out.podManagementPolicy).toBe('OrderedReady');
    expect(out.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(out.revisionHistoryLimit).toBe(10);
    expect(out.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(out.volumeClaimTemplates![0]).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
    });
  });

  it('StatefulSet OnDelete gets no rollingUpdate', () => {
    const sts: StatefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { selector: {}, template: template(), updateStrategy: { type: 'OnDelete' } } };
    expect(applyDefaults(sts).spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  it('DaemonSet', () => {
    const ds: DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } };
    const out = applyDefaults(ds).spec;
    expect(out.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(out.revisionHistoryLimit).toBe(10);
    expect(out.template.spec.dnsPolicy).toBe('ClusterFirst');
  });
});

describe('applyDefaults: Job and CronJob', () => {
  const job = (spec: Partial<Job['spec']> = {}, labels?: Record<string, string>): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: labels ? { name: 'pi', labels } : { name: 'pi' },
    spec: { template: template(podSpec({ restartPolicy: 'Never' })), ...spec },
  });

  it.each([
    ['both unset', {}, { completions: 1, parallelism: 1 }],
    ['completions only', { completions: 5 }, { completions: 5, parallelism: 1 }],
    ['parallelism only', { parallelism: 3 }, { completions: undefined, parallelism: 3 }],
    ['both set', { completions: 4, parallelism: 2 }, { completions: 4, parallelism: 2 }],
  ])('completions/parallelism: %s', (_n, spec, want) => {
    const out = applyDefaults(job(spec)).spec;
    expect({ completions: out.completions, parallelism: out.parallelism }).toEqual(want);
  });

  it('backoffLimit, completionMode, suspend, podReplacementPolicy; manualSelector and selector untouched', () => {
    const out = applyDefaults(job()).spec;
    expect(out.backoffLimit).toBe(6);
    expect(out.completionMode).toBe('NonIndexed');
    expect(out.suspend).toBe(false);
    expect(out.podReplacementPolicy).toBe('TerminatingOrFailed');
    expect(out.manualSelector).toBeUndefined();
    expect(out.selector).toBeUndefined();
    expect(out.template.spec.restartPolicy).toBe('Never');
  });

  it('a Job without labels takes its template labels', () => {
    expect(applyDefaults(job()).metadata.labels).toEqual({ app: 'web' });
    expect(applyDefaults(job({}, { team: 'a' })).metadata.labels).toEqual({ team: 'a' });
  });

  it('jobSelectorAndLabels adds the four labels and the controller-uid selector', () => {
    expect(jobSelectorAndLabels(job(), 'uid-1')).toEqual({
      templateLabels: {
        app: 'web',
        'job-name': 'pi',
        'batch.kubernetes.io/job-name': 'pi',
        'controller-uid': 'uid-1',
        'batch.kubernetes.io/controller-uid': 'uid-1',
      },
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
    });
  });

  it('CronJob', () => {
    const cj: CronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello' },
      spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } } } },
    };
    const out = applyDefaults(cj).spec;
    expect(out.concurrencyPolicy).toBe('Allow');
    expect(out.suspend).toBe(false);
    expect(out.successfulJobsHistoryLimit).toBe(3);
    expect(out.failedJobsHistoryLimit).toBe(1);
    expect(out.jobTemplate.spec.backoffLimit).toBeUndefined(); // Job defaults are not applied to templates
    expect(out.jobTemplate.spec.template.spec.schedulerName).toBe('default-scheduler');
  });
});

describe('applyDefaults: core objects', () => {
  it('Service', () => {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } };
    expect(applyDefaults(svc).spec).toEqual({
      selector: { app: 'web' },
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, protocol: 'TCP', targetPort: 'https' }],
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
  });

  it('NodePort Service gets externalTrafficPolicy; ExternalName gets no IP families', () => {
    const np = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } as Service);
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
    const en = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { type: 'ExternalName', externalName: 'example.com' } } as Service);
    expect(en.spec).toEqual({ type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  });

  it('PersistentVolumeClaim and PersistentVolume', () => {
    const pvc: PersistentVolumeClaim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'] } };
    expect(applyDefaults(pvc).spec.volumeMode).toBe('Filesystem');
    const pv: PersistentVolume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/d' } } };
    const out = applyDefaults(pv).spec;
    expect(out.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(out.volumeMode).toBe('Filesystem');
    expect(out.hostPath).toEqual({ path: '/d', type: '' });
  });

  it('Namespace', () => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } };
    const out = applyDefaults(ns);
    expect(out.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(out.status).toEqual({ phase: 'Active' });
  });

  it('Secret', () => {
    const s: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } };
    expect(applyDefaults(s).type).toBe('Opaque');
    expect(applyDefaults({ ...s, type: 'kubernetes.io/tls' }).type).toBe('kubernetes.io/tls');
  });

  it('Node is left as it is', () => {
    const node = { apiVersion: 'v1' as const, kind: 'Node' as const, metadata: { name: 'n1' }, status: { capacity: { cpu: '4' } } };
    expect(applyDefaults(node)).toEqual(node);
  });

  it('is idempotent for every kind', () => {
    for (const obj of [pod(), deployment()]) {
      const once = applyDefaults(obj);
      expect(applyDefaults(once)).toEqual(once);
    }
  });
});

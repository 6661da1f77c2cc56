import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../../src/engine/api/defaults.js';
import type {
  AnyObject, ConfigMap, CronJob, DaemonSet, Deployment, Job, PersistentVolume, PersistentVolumeClaim, Pod, PodSpec,
  ReplicaSet, Secret, Service, StatefulSet,
} from '../../../src/engine/api/types.js';
import { cronScheduleError, validate, validationError } from '../../../src/engine/api/validation.js';
import { formatFieldError } from '../../../src/engine/errors.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const podSpec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'app', image: 'nginx:1.25' }], ...extra });

const deployment = (edit: (d: Mutable<Deployment>) => void = () => {}): Deployment => {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec() } },
  };
  edit(d);
  return d;
};
const pod = (edit: (p: Pod) => void = () => {}): Pod => {
  const p: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: podSpec() };
  edit(p);
  return p;
};

/** What a user sees: defaults applied first, as the API server does, then the field errors. */
const messages = (obj: AnyObject, old?: AnyObject): string[] =>
  validate(applyDefaults(obj), old ? applyDefaults(old) : undefined).map(formatFieldError);

describe('metadata', () => {
  it.each([
    ['valid', deployment(), []],
    ['uppercase and underscore', deployment((d) => { d.metadata.name = 'Web_1'; }), [`metadata.name: Invalid value: "Web_1": ${SUBDOMAIN_MSG}`]],
    ['missing name', deployment((d) => { d.metadata.name = undefined; }), ['metadata.name: Required value: name or generateName is required']],
    ['generateName with trailing dash is fine', deployment((d) => { d.metadata.name = 'web-abcde'; d.metadata.generateName = 'web-'; }), []],
    ['too long', deployment((d) => { d.metadata.name = 'a'.repeat(254); }), [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`]],
    ['bad label key', deployment((d) => { d.metadata.labels = { 'bad key': 'x' }; }), [`metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`]],
    ['bad label value', deployment((d) => { d.metadata.labels = { app: 'a b' }; }), [`metadata.labels: Invalid value: "a b": ${LABEL_VALUE_MSG}`]],
    ['label value too long', deployment((d) => { d.metadata.labels = { app: 'x'.repeat(64) }; }), [`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`]],
    ['bad label prefix', deployment((d) => { d.metadata.labels = { 'Example.com/app': 'x' }; }), [`metadata.labels: Invalid value: "Example.com/app": prefix part ${SUBDOMAIN_MSG}`]],
    ['no namespace is fine (the store fills it)', deployment((d) => { d.metadata.namespace = undefined; }), []],
  ])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it.each([
    ['Namespace (DNS-1123 label)', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'my.ns' } }, [`metadata.name: Invalid value: "my.ns": ${LABEL_MSG}`]],
    ['Service (DNS-1035 label)', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } }, [`metadata.name: Invalid value: "1web": ${DNS1035_MSG}`]],
    ['ConfigMap (subdomain)', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app.config' } }, []],
  ] as [string, AnyObject, string[]][])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('judges a label key the same however often it is seen, valid or not', () => {
    const withKey = (key: string) => deployment((d) => { d.metadata.labels = { [key]: 'x' }; });
    for (let i = 0; i < 3; i++) {
      expect(messages(withKey('example.com/app'))).toEqual([]);
      expect(messages(withKey('bad key'))).toEqual([`metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`]);
      expect(messages(withKey('Example.com/app'))).toEqual([`metadata.labels: Invalid value: "Example.com/app": prefix part ${SUBDOMAIN_MSG}`]);
    }
    // Past the names it keeps, it starts again: still the same judgements.
    for (let i = 0; i < 5_000; i++) expect(messages(withKey(`k${i}`))).toEqual([]);
    expect(messages(withKey('bad key'))).toEqual([`metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`]);
    expect(messages(withKey('example.com/app'))).toEqual([]);
  });
});

describe('Deployment', () => {
  it.each([
    ['selector missing', deployment((d) => { (d.spec as { selector?: unknown }).selector = undefined; }), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]],
    ['selector does not match', deployment((d) => { d.spec.template.metadata = { labels: { app: 'x', tier: 'a' } }; }), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x", "tier":"a"}: `selector` does not match template `labels`',
    ]],
    ['empty selector', deployment((d) => { d.spec.selector = {}; }), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]],
    ['bad selector operator', deployment((d) => { d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Is' as 'In', values: ['web'] }] }; }), [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Is", Values:[]string{"web"}}}}: invalid label selector',
    ]],
    ['In without values', deployment((d) => { d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In' }] }; }), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ]],
    ['matchExpressions that match', deployment((d) => { d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }; }), []],
    ['negative replicas', deployment((d) => { d.spec.replicas = -1; }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['no containers', deployment((d) => { d.spec.template.spec.containers = []; }), ['spec.template.spec.containers: Required value']],
    ['container without name and image', deployment((d) => { d.spec.template.spec.containers = [{ name: '' }]; }), [
      'spec.template.spec.containers[0].name: Required value',
      'spec.template.spec.containers[0].image: Required value',
    ]],
    ['duplicate container names', deployment((d) => { d.spec.template.spec.containers = [{ name: 'x', image: 'a' }, { name: 'x', image: 'b' }]; }), [
      'spec.template.spec.containers[1].name: Duplicate value: "x"',
    ]],
    ['bad container name', deployment((d) => { d.spec.template.spec.containers = [{ name: 'My_App', image: 'a' }]; }), [
      `spec.template.spec.containers[0].name: Invalid value: "My_App": ${LABEL_MSG}`,
    ]],
    ['restartPolicy Never', deployment((d) => { d.spec.template.spec.restartPolicy = 'Never'; }), [
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]],
    ['activeDeadlineSeconds', deployment((d) => { d.spec.template.spec.activeDeadlineSeconds = 10; }), [
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    ]],
    ['maxSurge and maxUnavailable both 0', deployment((d) => { d.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }; }), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]],
    ['0% and 0', deployment((d) => { d.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; }), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0',
    ]],
    ['bad percentage', deployment((d) => { d.spec.strategy = { rollingUpdate: { maxSurge: '25', maxUnavailable: 1 } }; }), [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"25\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]],
    ['more than 100%', deployment((d) => { d.spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } }; }), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]],
    ['negative maxSurge', deployment((d) => { d.spec.strategy = { rollingUpdate: { maxSurge: -1 } }; }), [
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['Recreate with rollingUpdate', deployment((d) => { d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]],
    ['unknown strategy', deployment((d) => { d.spec.strategy = { type: 'BlueGreen' as 'Recreate' }; }), [
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ]],
    ['progressDeadlineSeconds <= minReadySeconds', deployment((d) => { d.spec.minReadySeconds = 600; }), [
      'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
    ]],
  ])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('builds the API server error', () => {
    const obj = applyDefaults(deployment((d) => { d.spec.replicas = -1; }));
    const err = validationError(obj, validate(obj));
    expect(err.reason).toBe('Invalid');
    expect(err.code).toBe(422);
    expect(err.message).toBe('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('joins several errors in brackets', () => {
    const obj = applyDefaults(deployment((d) => { (d.spec as { selector?: unknown }).selector = undefined; }));
    expect(validationError(obj, validate(obj)).message).toBe(
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    );
  });

  it('the selector is immutable on update', () => {
    const old = deployment();
    const next = deployment((d) => {
      d.spec.selector = { matchLabels: { app: 'web2' } };
      d.spec.template.metadata = { labels: { app: 'web2' } };
    });
    expect(messages(next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(messages(deployment((d) => { d.spec.replicas = 5; d.spec.template.spec.containers[0]!.image = 'nginx:2'; }), old)).toEqual([]);
  });
});

describe('containers', () => {
  const withContainer = (c: Partial<PodSpec['containers'][0]>): Pod => pod((p) => { p.spec.containers = [{ name: 'app', image: 'nginx', ...c }]; });

  it.each([
    ['port out of range', { ports: [{ containerPort: 70000 }] }, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['port 0', { ports: [{ containerPort: 0 }] }, ['spec.containers[0].ports[0].containerPort: Required value']],
    ['hostPort out of range', { ports: [{ containerPort: 80, hostPort: -1 }] }, ['spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive']],
    ['bad protocol', { ports: [{ containerPort: 80, protocol: 'HTTP' as 'TCP' }] }, ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    ['duplicate port names', { ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }, ['spec.containers[0].ports[1].name: Duplicate value: "http"']],
    ['bad port name', { ports: [{ name: 'HTTP_PORT_NAME_LONG', containerPort: 80 }] }, [
      'spec.containers[0].ports[0].name: Invalid value: "HTTP_PORT_NAME_LONG": must be no more than 15 characters',
      'spec.containers[0].ports[0].name: Invalid value: "HTTP_PORT_NAME_LONG": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[0].name: Invalid value: "HTTP_PORT_NAME_LONG": must contain at least one letter (a-z)',
    ]],
    ['bad imagePullPolicy', { imagePullPolicy: 'Sometimes' as 'Always' }, ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']],
    ['two probe handlers', { livenessProbe: { exec: { command: ['true'] }, httpGet: { port: 80 } } }, ['spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type']],
    ['no probe handler', { readinessProbe: { periodSeconds: 5 } }, ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
    ['exec without command', { livenessProbe: { exec: {} } }, ['spec.containers[0].livenessProbe.exec.command: Required value']],
    ['negative probe fields', { livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: -1, initialDelaySeconds: -5 } }, [
      'spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0',
      'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['liveness successThreshold', { livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }, ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['readiness successThreshold may exceed 1', { readinessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }, []],
    ['probe port name', { readinessProbe: { httpGet: { port: 'Web' } } }, ['spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['probe port number', { readinessProbe: { tcpSocket: { port: 0 } } }, ['spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['requests above limits', { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['memory request above limit (canonical units)', { resources: { requests: { memory: '1024Mi' }, limits: { memory: '512Mi' } } }, ['spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi']],
    ['equal in other units is fine', { resources: { requests: { cpu: '1000m' }, limits: { cpu: '1' } } }, []],
    ['malformed quantity', { resources: { limits: { cpu: 'one' } } }, [
      "spec.containers[0].resources.limits[cpu]: Invalid value: \"one\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "spec.containers[0].resources.requests[cpu]: Invalid value: \"one\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]],
    ['negative quantity', { resources: { requests: { memory: '-1Gi' } } }, ['spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0']],
    ['unknown resource', { resources: { requests: { cpus: '1' } } }, ['spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource for containers']],
    ['volume mount without volume', { volumeMounts: [{ name: 'data', mountPath: '/data' }] }, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
  ])('%s', (_name, c, want) => {
    expect(messages(withContainer(c as Partial<PodSpec['containers'][0]>))).toEqual(want);
  });

  it('a malformed quantity is reported the way decoding fails (400)', () => {
    const obj = applyDefaults(deployment((d) => { d.spec.template.spec.containers[0]!.resources = { limits: { memory: '1GB' } }; }));
    const err = validationError(obj, validate(obj));
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe(
      "Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});

describe('Pod', () => {
  it.each([
    ['valid', pod(), []],
    ['bad restartPolicy', pod((p) => { p.spec.restartPolicy = 'Sometimes' as 'Always'; }), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['bad dnsPolicy', pod((p) => { p.spec.dnsPolicy = 'Cluster'; }), ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['activeDeadlineSeconds 0', pod((p) => { p.spec.activeDeadlineSeconds = 0; }), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    ['toleration seconds without NoExecute', pod((p) => { p.spec.tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]; }), [
      "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]],
    ['duplicate volume', pod((p) => { p.spec.volumes = [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }]; }), ['spec.volumes[1].name: Duplicate value: "v"']],
    ['volume without source', pod((p) => { p.spec.volumes = [{ name: 'v' }]; }), ['spec.volumes[0]: Required value: must specify a volume type']],
  ])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  const UPDATE_PREFIX = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n';

  it('allows image, activeDeadlineSeconds, added tolerations and a first nodeName on update', () => {
    const old = pod();
    expect(messages(pod((p) => {
      p.spec.containers[0]!.image = 'nginx:1.26';
      p.spec.activeDeadlineSeconds = 30;
      p.spec.tolerations = [{ key: 'x', operator: 'Exists' }];
      p.spec.nodeName = 'node-1';
    }), old)).toEqual([]);
  });

  it('forbids other spec changes', () => {
    const got = messages(pod((p) => { p.spec.containers[0]!.ports = [{ containerPort: 8080 }]; }), pod());
    expect(got).toHaveLength(1);
    expect(got[0]!.startsWith(UPDATE_PREFIX)).toBe(true);
    expect(got[0]).toContain('  core.PodSpec{');
  });

  it('forbids moving a bound pod', () => {
    const got = messages(pod((p) => { p.spec.nodeName = 'b'; }), pod((p) => { p.spec.nodeName = 'a'; }));
    expect(got[0]!.startsWith(UPDATE_PREFIX)).toBe(true);
  });

  it('forbids adding containers and removing tolerations', () => {
    expect(messages(pod((p) => { p.spec.containers.push({ name: 'b', image: 'x' }); }), pod())).toEqual([
      'spec.containers: Forbidden: pod updates may not add or remove containers',
    ]);
    expect(messages(pod(), pod((p) => { p.spec.tolerations = [{ key: 'x', operator: 'Exists' }]; }))).toEqual([
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });
});

describe('ReplicaSet, StatefulSet, DaemonSet', () => {
  const template = { metadata: { labels: { app: 'db' } }, spec: podSpec() };
  const rs = (edit: (r: ReplicaSet) => void = () => {}): ReplicaSet => {
    const r: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: { matchLabels: { app: 'db' } }, template: structuredClone(template) } };
    edit(r);
    return r;
  };
  const sts = (edit: (s: StatefulSet) => void = () => {}): StatefulSet => {
    const s: StatefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: structuredClone(template) } };
    edit(s);
    return s;
  };
  const ds = (edit: (d: DaemonSet) => void = () => {}): DaemonSet => {
    const d: DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'db' } }, template: structuredClone(template) } };
    edit(d);
    return d;
  };

  it.each([
    ['valid ReplicaSet', rs(), []],
    ['ReplicaSet with OnFailure', rs((r) => { r.spec.template.spec.restartPolicy = 'OnFailure'; }), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['valid StatefulSet', sts(), []],
    ['StatefulSet name must be a DNS label', sts((s) => { s.metadata.name = 'db.v1'; }), [`metadata.name: Invalid value: "db.v1": ${LABEL_MSG}`]],
    ['StatefulSet restartPolicy Never', sts((s) => { s.spec.template.spec.restartPolicy = 'Never'; }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['StatefulSet mismatched labels', sts((s) => { s.spec.template.metadata = { labels: { app: 'other' } }; }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`']],
    ['StatefulSet empty selector', sts((s) => { s.spec.selector = {}; }), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset']],
    ['StatefulSet negative partition', sts((s) => { s.spec.updateStrategy = { rollingUpdate: { partition: -1 } }; }), ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']],
    ['valid DaemonSet', ds(), []],
    ['DaemonSet both 0', ds((d) => { d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }; }), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    ['DaemonSet both non-zero', ds((d) => { d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }; }), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero']],
    ['DaemonSet restartPolicy', ds((d) => { d.spec.template.spec.restartPolicy = 'Never'; }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
  ] as [string, AnyObject, string[]][])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('StatefulSet updates may only touch replicas, template, updateStrategy, ...', () => {
    expect(messages(sts((s) => { s.spec.replicas = 3; s.spec.template.spec.containers[0]!.image = 'pg:16'; s.spec.updateStrategy = { type: 'OnDelete' }; }), sts())).toEqual([]);
    expect(messages(sts((s) => { s.spec.serviceName = 'other'; }), sts())).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('ReplicaSet and DaemonSet selectors are immutable', () => {
    const change = (o: ReplicaSet | DaemonSet): void => {
      o.spec.selector = { matchLabels: { app: 'db', v: '2' } };
      o.spec.template.metadata = { labels: { app: 'db', v: '2' } };
    };
    const want = ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"db", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'];
    expect(messages(rs(change), rs())).toEqual(want);
    expect(messages(ds(change), ds())).toEqual(want);
  });
});

describe('Job and CronJob', () => {
  const job = (edit: (j: Job) => void = () => {}): Job => {
    const j: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { template: { spec: podSpec({ restartPolicy: 'Never' }) } } };
    edit(j);
    return j;
  };
  const cron = (schedule: string, edit: (c: CronJob) => void = () => {}): CronJob => {
    const c: CronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello' },
      spec: { schedule, jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } } } },
    };
    edit(c);
    return c;
  };

  it.each([
    ['valid (selector generated later)', job(), []],
    ['restartPolicy defaults to Always, which a Job refuses', job((j) => { j.spec.template.spec.restartPolicy = undefined; }), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['negative backoffLimit', job((j) => { j.spec.backoffLimit = -1; }), ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['Indexed without completions', job((j) => { j.spec.completionMode = 'Indexed'; j.spec.parallelism = 2; }), ['spec.completions: Required value: when completion mode is Indexed']],
    ['manual selector that does not match', job((j) => { j.spec.manualSelector = true; j.spec.selector = { matchLabels: { a: 'b' } }; }), ['spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`']],
    ['manual selector missing', job((j) => { j.spec.manualSelector = true; }), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`']],
  ] as [string, AnyObject, string[]][])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('a Job template is immutable, unless the Job is suspended and never started', () => {
    const old = job((j) => { j.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }; j.spec.template.metadata = { labels: { 'batch.kubernetes.io/controller-uid': 'u' } }; });
    const next = structuredClone(old);
    next.spec.template.spec.containers[0]!.image = 'perl:2';
    const got = messages(next, old);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^spec\.template: Invalid value: core\.PodTemplateSpec\{.*\}: field is immutable$/);
    const suspended = structuredClone(old);
    suspended.spec.suspend = true;
    const moved = structuredClone(suspended);
    moved.spec.template.spec.nodeSelector = { zone: 'a' };
    expect(messages(moved, suspended)).toEqual([]);
    expect(messages(structuredClone(old), old)).toEqual([]);
  });

  it.each([
    ['*/5 * * * *', []],
    ['@hourly', []],
    ['0 9 * * mon-fri', []],
    ['@every 1h30m', []],
    ['x', ['spec.schedule: Invalid value: "x": expected exactly 5 fields, found 1: [x]']],
    ['* * * *', ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']],
    ['61 * * * *', ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']],
    ['0 0 0 * *', ['spec.schedule: Invalid value: "0 0 0 * *": beginning of range (0) below minimum (1): 0']],
    ['a * * * *', ['spec.schedule: Invalid value: "a * * * *": failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax']],
    ['5-1 * * * *', ['spec.schedule: Invalid value: "5-1 * * * *": beginning of range (5) beyond end of range (1): 5-1']],
    ['*/0 * * * *', ['spec.schedule: Invalid value: "*/0 * * * *": step of range should be a positive number: */0']],
    ['@fortnightly', ['spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly']],
    ['TZ=UTC 0 * * * *', ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
    ['CRON_TZ=Europe/Paris 0 * * * *', ['spec.schedule: Invalid value: "CRON_TZ=Europe/Paris 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
  ])('schedule %j', (schedule, want) => {
    expect(messages(cron(schedule))).toEqual(want);
  });

  it.each([
    ['Europe/Berlin', []],
    ['Mars/Olympus', ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
    ['Local', ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
    ['', ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']],
  ])('timeZone %j', (tz, want) => {
    expect(messages(cron('0 * * * *', (c) => { c.spec.timeZone = tz; }))).toEqual(want);
  });

  it.each([
    ['Always restartPolicy', cron('0 * * * *', (c) => { c.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always'; }), ['spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['bad concurrencyPolicy', cron('0 * * * *', (c) => { c.spec.concurrencyPolicy = 'Sometimes' as 'Allow'; }), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']],
    ['name longer than 52', cron('0 * * * *', (c) => { c.metadata.name = 'a'.repeat(53); }), [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]],
  ] as [string, AnyObject, string[]][])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('cronScheduleError accepts month and weekday names', () => {
    expect(cronScheduleError('0 0 1 jan,jul sun')).toBeUndefined();
    expect(cronScheduleError('0 0 * * 7')).toBe('end of range (7) above maximum (6): 7');
  });
});

describe('Service', () => {
  const svc = (spec: Partial<Service['spec']>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ...spec } as Service['spec'] });

  it.each([
    ['valid', svc({ ports: [{ port: 80 }] }), []],
    ['no ports', svc({}), ['spec.ports: Required value']],
    ['headless without ports', svc({ clusterIP: 'None' }), []],
    ['ExternalName without ports', svc({ type: 'ExternalName', externalName: 'db.example.com' }), []],
    ['ExternalName without name', svc({ type: 'ExternalName' }), ['spec.externalName: Required value']],
    ['port out of range (targetPort defaults to it)', svc({ ports: [{ port: 0 }] }), [
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]],
    ['targetPort out of range', svc({ ports: [{ port: 80, targetPort: 70000 }] }), ['spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['two ports need names', svc({ ports: [{ port: 80 }, { port: 443, name: 'https' }] }), ['spec.ports[0].name: Required value']],
    ['duplicate ports', svc({ ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] }), [
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]],
    ['nodePort on ClusterIP', svc({ ports: [{ port: 80, nodePort: 30080 }] }), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['nodePort on NodePort', svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), []],
    ['nodePort out of range', svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }), ['spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767']],
    ['headless NodePort', svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }), ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services']],
    ['bad type', svc({ type: 'Internal' as 'ClusterIP', ports: [{ port: 80 }] }), ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
  ] as [string, AnyObject, string[]][])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('the cluster IP may not change', () => {
    expect(messages(svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.20' }), svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' }))).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.20"}: may not change once set',
    ]);
  });
});

describe('storage and config', () => {
  const pv = (spec: Partial<PersistentVolume['spec']>): PersistentVolume => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' }, ...spec } });
  const pvc = (spec: Partial<PersistentVolumeClaim['spec']>): PersistentVolumeClaim => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec });

  it.each([
    ['valid PV', pv({ capacity: { storage: '10Gi' } }), []],
    ['PV without capacity', pv({}), ['spec.capacity: Required value', 'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"']],
    ['PV zero capacity', pv({ capacity: { storage: '0' } }), ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ['PV without access modes', pv({ capacity: { storage: '1Gi' }, accessModes: [] }), ['spec.accessModes: Required value']],
    ['valid PVC', pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }), []],
    ['PVC without storage request', pvc({ accessModes: ['ReadWriteOnce'] }), ['spec.resources[storage]: Required value']],
    ['PVC without access modes', pvc({ resources: { requests: { storage: '1Gi' } } }), ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['PVC bad access mode', pvc({ accessModes: ['ReadWriteSometimes' as 'ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }), [
      'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    ]],
    ['ConfigMap bad key', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'a b': 'x' } } as ConfigMap, [
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]],
  ] as [string, AnyObject, string[]][])('%s', (_name, obj, want) => {
    expect(messages(obj)).toEqual(want);
  });

  it('a bound PVC may only change its storage request', () => {
    const old = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    const bound = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1' });
    expect(messages(bound, old)).toEqual([]);
    expect(messages(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, volumeName: 'pv1' }), bound)).toEqual([]);
    expect(messages(pvc({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1' }), bound)).toEqual([
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
  });

  it('an immutable Secret keeps its data', () => {
    const old: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, immutable: true, data: { a: 'YQ==' } };
    expect(messages({ ...old, data: { a: 'Yg==' } }, old)).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
  });
});

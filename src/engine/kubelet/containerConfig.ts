/**
 * What the kubelet resolves before it can create a container: environment variables (from values, ConfigMaps,
 * Secrets and the downward API) and the files of ConfigMap / Secret volumes; the errors are the kubelet's own
 * (`configmap "x" not found`, `couldn't find key k in ConfigMap ns/x`).
 */
import type { ConfigMap, Container, Pod, Secret } from '../api/types.js';

export interface ConfigReader {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

function decode(value: string): string {
  try {
    return atob(value);
  } catch {
    return value;
  }
}

function secretData(s: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = decode(v);
  for (const [k, v] of Object.entries(s.stringData ?? {})) out[k] = v;
  return out;
}

/** `$(VAR)` references to earlier variables, `$$(VAR)` escaping, as the kubelet expands env values. */
function expandRefs(value: string, env: ReadonlyMap<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string | undefined) => {
    if (all === '$$') return '$';
    return env.get(name!) ?? all;
  });
}

function fieldValue(pod: Pod, path: string, hostIP: string, podIP: string | undefined): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIP;
    case 'status.podIP':
      return podIP ?? '';
    default:
      return '';
  }
}

/** What every container's environment holds before its own variables. */
export function defaultEnv(hostname: string): Map<string, string> {
  return new Map<string, string>([
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOSTNAME', hostname],
    ['HOME', '/root'],
    ['KUBERNETES_SERVICE_HOST', '10.96.0.1'],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_PORT', 'tcp://10.96.0.1:443'],
  ]);
}

/**
 * A container's environment: its variables, or `DEFAULT_ENV` when it declares none (the defaults are made from the
 * hostname when a shell needs them, instead of a map kept per container).
 */
export type ContainerEnv = ReadonlyMap<string, string> | typeof DEFAULT_ENV;
export const DEFAULT_ENV = 'defaults';

export const envFor = (env: ContainerEnv, hostname: string): ReadonlyMap<string, string> => (env === DEFAULT_ENV ? defaultEnv(hostname) : env);

/** The container's environment, or the kubelet's CreateContainerConfigError message. */
export function resolveEnv(pod: Pod, c: Container, reader: ConfigReader, hostIP: string, podIP: string | undefined): Resolved<ContainerEnv> {
  if ((c.envFrom ?? []).length === 0 && (c.env ?? []).length === 0) return { ok: true, value: DEFAULT_ENV };
  const ns = pod.metadata.namespace ?? 'default';
  const env = defaultEnv(pod.spec.hostname ?? pod.metadata.name ?? '');
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = reader.configMap(ns, from.configMapRef.name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        return { ok: false, error: `configmap "${from.configMapRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const s = reader.secret(ns, from.secretRef.name);
      if (!s) {
        if (from.secretRef.optional) continue;
        return { ok: false, error: `secret "${from.secretRef.name}" not found` };
      }
      for (const [k, v] of Object.entries(secretData(s))) env.set(prefix + k, v);
    }
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env.set(e.name, expandRefs(e.value ?? '', env));
    } else if (vf.configMapKeyRef) {
      const r = vf.configMapKeyRef;
      const cm = reader.configMap(ns, r.name);
      if (!cm) {
        if (r.optional) continue;
        return { ok: false, error: `configmap "${r.name}" not found` };
      }
      const v = cm.data?.[r.key];
      if (v === undefined) {
        if (r.optional) continue;
        return { ok: false, error: `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}` };
      }
      env.set(e.name, v);
    } else if (vf.secretKeyRef) {
      const r = vf.secretKeyRef;
      const s = reader.secret(ns, r.name);
      if (!s) {
        if (r.optional) continue;
        return { ok: false, error: `secret "${r.name}" not found` };
      }
      const v = secretData(s)[r.key];
      if (v === undefined) {
        if (r.optional) continue;
        return { ok: false, error: `couldn't find key ${r.key} in Secret ${ns}/${r.name}` };
      }
      env.set(e.name, v);
    } else if (vf.fieldRef) {
      env.set(e.name, fieldValue(pod, vf.fieldRef.fieldPath, hostIP, podIP));
    }
  }
  return { ok: true, value: env };
}

/** The first volume the kubelet cannot set up (a missing ConfigMap or Secret), as the FailedMount message. */
export function unmountableVolume(pod: Pod, reader: ConfigReader): string | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap && !v.configMap.optional && !reader.configMap(ns, v.configMap.name)) {
      return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
    }
    if (v.secret && !v.secret.optional && !reader.secret(ns, v.secret.secretName)) {
      return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
    }
  }
  return undefined;
}

const NO_FILES: Readonly<Record<string, string>> = Object.freeze({});

/** Files a container sees from its ConfigMap and Secret volume mounts, by absolute path. */
export function mountedFiles(pod: Pod, c: Container, reader: ConfigReader): Readonly<Record<string, string>> {
  if (!c.volumeMounts || c.volumeMounts.length === 0) return NO_FILES;
  const ns = pod.metadata.namespace ?? 'default';
  const files: Record<string, string> = {};
  for (const m of c.volumeMounts) {
    const v = pod.spec.volumes?.find((x) => x.name === m.name);
    let data: Record<string, string> | undefined;
    let items: { key: string; path: string }[] | undefined;
    if (v?.configMap) {
      data = reader.configMap(ns, v.configMap.name)?.data;
      items = v.configMap.items;
    } else if (v?.secret) {
      const s = reader.secret(ns, v.secret.secretName);
      data = s ? secretData(s) : undefined;
    }
    if (!data) continue;
    const base = m.mountPath.replace(/\/$/, '');
    const entries = items ? items.map((i) => [i.path, data![i.key] ?? ''] as const) : Object.entries(data);
    for (const [path, content] of entries) {
      if (m.subPath) {
        if (path === m.subPath) files[base] = content;
      } else files[`${base}/${path}`] = content;
    }
  }
  return files;
}

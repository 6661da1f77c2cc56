/**
 * `kubedeck record` as a user runs it (the built CLI): the tour in demo-manifests/scenarios/ replays in a real
 * terminal emulator and shows, section by section, what its captions promise; the committed cast is exactly what
 * the scenario records today (but for the header's timestamp); a small scenario's edits touch only copies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../tui/recording/replay.js';
import { folder, WEB } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli.js');
const TOUR = join(root, 'demo-manifests/scenarios/tour.yaml');
const TOUR_CAST = join(root, 'demo-manifests/scenarios/tour.cast');
const kubedeck = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
const withoutTimestamp = (cast: string) => cast.replace(/"timestamp":\d+,/, '');
const text = (screen: string[]) => screen.join('\n');

describe('kubedeck record', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/ensure-built.mjs')], { stdio: 'pipe' });
  }, 120_000);

  it('records the tour: every section shows what its caption promised, and the committed cast is what it gives today', async () => {
    const dir = folder({});
    const r = kubedeck(['record', TOUR, '-o', 'tour.cast'], dir);
    expect(r.stderr).toContain('recorded tour.cast');
    expect(r.status).toBe(0);
    const fresh = readFileSync(join(dir, 'tour.cast'), 'utf8');
    expect(fresh).not.toMatch(/[^\r]\n(?!\[|$)/); // every line end inside the output is \r\n, as a terminal sees it

    const played = await replay(fresh);
    expect(played.cast.header).toMatchObject({ width: 120, height: 35, title: 'kubedeck: tour' });
    const before = (label: RegExp) => {
      const m = played.markers.find((x) => label.test(x.label));
      if (!m) throw new Error(`no marker ${label}; markers: ${played.markers.map((x) => x.label).join(' | ')}`);
      return text(m.screen);
    };
    // The screen just before each caption shows what the section before it did.
    expect(before(/^Pods are scheduled/)).toMatch(/pods\(all\)[\s\S]*Running/);
    expect(before(/^checkout 2\.0/)).toMatch(/deployment\.apps\/my-nginx scaled/);
    expect(before(/^checkout 2\.0/)).toMatch(/default\s+my-nginx\s+\d\/4\s+.*4\/4|my-nginx\s+\d\/4/);
    const stalled = before(/^Undo/);
    expect(stalled).toContain('Rollout of deployment default/checkout  STUCK');
    expect(stalled).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(stalled).toMatch(/at least 3 must stay available \(maxUnavailable 0\)/);
    expect(before(/^Cordon/)).toContain('deployment.apps/checkout rolled back');
    const cordoned = before(/^A failing liveness probe/);
    expect(cordoned).toMatch(/kubedeck-worker2\s+Ready,SchedulingDisabled/);
    expect(cordoned).toContain('node/kubedeck-worker2 cordoned');
    expect(before(/^Delete/)).toMatch(/Probes of pod default\/liveness-exec[\s\S]*Liveness\s+exec \[cat \/tmp\/healthy\][\s\S]*✗/);
    expect(before(/^npm start/)).toContain('pod "crashloop" deleted');

    const end = played.at();
    expect(end[0]).toMatch(/^kubedeck {2}nodes 4\/4 ready/);
    expect(text(end)).toContain('pods(all)');
    expect(text(end)).not.toMatch(/^default\s+crashloop\s/m);
    expect(end[34]).toContain('npm start opens this dashboard');

    // Deterministic: the committed cast (recorded by another process, another day) is byte for byte this one.
    expect(existsSync(TOUR_CAST)).toBe(true);
    expect(withoutTimestamp(fresh), 'demo-manifests/scenarios/tour.cast is stale: npm run record:tour').toBe(withoutTimestamp(readFileSync(TOUR_CAST, 'utf8')));
  }, 120_000);

  it('plays run, keys, wait, edit and caption steps on copies of the folders, and prints the commands\' transcript', async () => {
    const dir = folder({
      'manifests/web.yaml': WEB,
      's.yaml': `apiVersion: kubedeck.dev/v1alpha1
kind: Scenario
metadata: {name: small}
spec:
  dirs: [manifests]
  speed: 10
  steps:
    - caption: the web Deployment
    - wait: 2s
    - keys: ":deploy⏎"
    - edit: {file: manifests/web.yaml, patch: {spec: {replicas: 3}}}
    - wait: 3s
    - at: 2m
      run: get deploy web -o name
    - keys: "q"
    - caption: never shown (q quit)
`,
    });
    const r = kubedeck(['record', 's.yaml', '-o', 'out.cast', '--cols', '100', '--rows', '30'], dir);
    expect(r.stderr).toMatch(/recorded out\.cast: [\d.]+ s at 100×30/);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('# t=2m $ get deploy web -o name\ndeployment.apps/web\n');
    expect(readFileSync(join(dir, 'manifests/web.yaml'), 'utf8')).toBe(WEB); // the edit went to a copy
    const played = await replay(readFileSync(join(dir, 'out.cast'), 'utf8'));
    expect(played.cast.header).toMatchObject({ width: 100, height: 30 });
    expect(played.markers.map((m) => m.label)).toEqual(['the web Deployment']);
    const end = text(played.at());
    expect(end).toMatch(/default\s+web\s+3\/3/);
    expect(end).toContain('$ kubectl get deploy web -o name  →  deployment.apps/web');
    expect(end).toContain('watching manifests');
  }, 60_000);

  it('checks the whole scenario before playing: a bad key, an edit that does not fit, a repeating step (exit 2)', () => {
    const scenario = (steps: string) =>
      `apiVersion: kubedeck.dev/v1alpha1\nkind: Scenario\nmetadata: {name: bad}\nspec:\n  dirs: [manifests]\n  steps:\n${steps}`;
    const dir = folder({
      'manifests/web.yaml': WEB,
      'key.yaml': scenario('    - keys: ":deploy<entr>"\n'),
      'edit.yaml': scenario('    - edit: {file: manifests/web.yaml, replace: "nginx:9.9", with: "nginx:1"}\n'),
      'outside.yaml': scenario('    - edit: {file: web.yaml, replace: "a", with: "b"}\n'),
      'every.yaml': scenario('    - every: 10s\n      until: 1m\n      run: get pods\n'),
      'ui.yaml': scenario('    - run: get pods\n    - keys: ":po⏎"\n'),
    });
    const check = (args: string[], message: RegExp) => {
      const r = kubedeck(args, dir);
      expect(r.stderr).toMatch(message);
      expect(r.status).toBe(2);
      expect(existsSync(join(dir, 'out.cast'))).toBe(false);
    };
    check(['record', 'key.yaml', '-o', 'out.cast'], /key\.yaml:7:13: spec\.steps\[0\]\.keys: unknown key <entr>/);
    check(['record', 'edit.yaml', '-o', 'out.cast'], /edit\.yaml:7:7: spec\.steps\[0\]\.edit: manifests\/web\.yaml: the text to replace is not in the file: "nginx:9\.9"/);
    check(['record', 'outside.yaml', '-o', 'out.cast'], /spec\.steps\[0\]\.edit\.file: must be a file inside one of spec\.dirs/);
    check(['record', 'every.yaml', '-o', 'out.cast'], /every\.yaml:7:7: spec\.steps\[0\]\.every: a recording plays its steps in order/);
    check(['record', 'ui.yaml'], /-o FILE\.cast is required/);
    check(['run', 'ui.yaml'], /ui\.yaml:8:7: spec\.steps\[1\]\.keys: a dashboard step: play this scenario with "kubedeck record/);
  });
});

/** `kubedeck run` through a whole rollout story on the full simulation: kubectl's exact output at every step. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './harness.js';

const dir = fileURLToPath(new URL('./scenarios/rollout/', import.meta.url));

describe('a rollout scenario', () => {
  it('scales, sets images, stalls on a broken image, pauses, resumes, undoes and restarts like kubectl', async () => {
    const r = await cli(['run', 'scenario.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // the progress-deadline `rollout status` fails, as kubectl's would
    const step = (header: string) => {
      const start = r.stdout.indexOf(`# t=${header}\n`);
      expect(start, header).toBeGreaterThanOrEqual(0);
      const end = r.stdout.indexOf('\n# t=', start + 1);
      return r.stdout.slice(r.stdout.indexOf('\n', start) + 1, end < 0 ? undefined : end + 1);
    };
    expect(step('31s $ set image deployment/web nginx=nginx:1.27')).toBe('deployment.apps/web image updated\n');
    expect(step('33s $ rollout status deployment/web')).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
    expect(step('90s $ rollout status deployment/web')).toBe('deployment "web" successfully rolled out\n');
    expect(step('91s $ rollout history deployment/web')).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(step('100s $ rollout pause deployment/web')).toBe('deployment.apps/web paused\n');
    expect(step('101s $ rollout resume deployment/web')).toBe('deployment.apps/web resumed\n');
    expect(step('4m $ rollout status deployment/web')).toBe('error: deployment "web" exceeded its progress deadline\n');
    expect(step('4m $ get deploy,rs,pods')).toMatch(/^NAME {18}READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment\.apps\/web   3\/3     1            3           4m\n/);
    expect(step('4m $ get deploy,rs,pods')).toMatch(/ImagePullBackOff/);
    expect(step('4m1s $ rollout undo deployment/web')).toBe('deployment.apps/web rolled back\n');
    expect(step('5m $ rollout status deployment/web')).toBe('deployment "web" successfully rolled out\n');
    expect(step('5m $ scale deployment/web --replicas=5')).toBe('deployment.apps/web scaled\n');
    expect(step('6m $ rollout restart deployment/web')).toBe('deployment.apps/web restarted\n');
    expect(step('8m $ get deploy,rs')).toMatch(/deployment\.apps\/web   5\/5     5            5           8m\n/);
    // The undone revision 2 came back as 4; the restart made 5.
    expect(step('8m $ rollout history deployment/web')).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n3         <none>\n4         <none>\n5         <none>\n\n');
    await expect(r.stdout).toMatchFileSnapshot('./scenarios/rollout/transcript.txt');
  });
});

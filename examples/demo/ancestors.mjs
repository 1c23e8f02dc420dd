// Watches the processes above this one. `npx -y pnpm@12 demo --serve` runs the
// demo under a chain of wrappers (npm exec, sh, pnpm, sh); a SIGTERM to the
// outermost one kills it without reaching the demo, and the wrappers below are
// reparented and live on. So the demo watches each of its ancestors, not only
// its parent, and stops when any of them is gone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function parentOf(pid) {
  try {
    // Linux: the field after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      return Number(
        execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
      );
    } catch {
      return 0;
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Calls `onGone` once when one of the nearest `depth` ancestors (init aside) exits. */
export function watchAncestors(onGone, { depth = 4, intervalMs = 500 } = {}) {
  const ancestors = [];
  for (let pid = process.ppid; pid > 1 && ancestors.length < depth; pid = parentOf(pid)) {
    ancestors.push(pid);
  }
  const timer = setInterval(() => {
    if (process.ppid !== ancestors[0] || !ancestors.every(alive)) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

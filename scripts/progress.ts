// A progress bar per phase of a long operation (bulk seeding reports phases one after another).
import cliProgress from 'cli-progress';

export function phaseProgress(prefix = ''): {
  onProgress: (phase: string, done: number, total: number) => void;
  stop: () => void;
} {
  const bar = new cliProgress.SingleBar(
    { format: `${prefix}{phase} [{bar}] {percentage}% {value}/{total} ETA {eta}s`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  return {
    onProgress(phase, done, total) {
      if (phase !== current) {
        if (current) bar.stop();
        current = phase;
        bar.start(total, 0, { phase: phase.padEnd(18) });
      }
      bar.update(done, { phase: phase.padEnd(18) });
    },
    stop: () => bar.stop(),
  };
}

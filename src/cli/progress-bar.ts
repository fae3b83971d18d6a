import cliProgress from 'cli-progress';

/** What `run --once` reports after each message: handled so far, and the total once the source knows it. */
export interface DrainProgressBar {
  update(done: number, total: number | undefined): void;
  stop(): void;
}

/**
 * A progress bar for `run --once` (handled / total, rate, time left), drawn on `stream` only when it
 * is a terminal: piped or redirected, nothing is written, so logs and scripts see exactly what they
 * saw before. Null when there is no terminal.
 */
export function terminalProgressBar(stream: NodeJS.WriteStream = process.stderr): DrainProgressBar | null {
  if (!stream.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'countersign |{bar}| {value}/{total} messages | {rate} msg/s | {eta_formatted} left',
      hideCursor: true,
      // Messages take uneven times (a long thread, a timeout): a longer window steadies the estimate.
      etaBuffer: 50,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  const rate = (done: number) => (done / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(1);
  return {
    update(done, total) {
      if (!running) {
        bar.start(total ?? done, 0, { rate: '0.0' });
        running = true;
      }
      if (total !== undefined && total !== bar.getTotal()) bar.setTotal(total);
      bar.update(done, { rate: rate(done) });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

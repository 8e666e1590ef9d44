export interface CliOutput {
  out(line: string): void;
  error(line: string): void;
}

/** Resolves on Ctrl-C or SIGTERM, so long-running commands can close cleanly. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

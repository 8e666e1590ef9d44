import { type ChildProcess, spawn } from "node:child_process";

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed up to the first chunk that contains the ready marker; rejects if the CLI exits. */
  output: Promise<string>;
}

/**
 * Runs an emulator CLI entry (a TypeScript file) in a child process, as `billhook emulator …` would.
 * The caller kills `child` when done.
 */
export function spawnEmulatorCli(entryPath: string, args: string[], readyMarker: string): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entryPath, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(readyMarker)) resolve(text);
    });
    child.once("exit", (code) => reject(new Error(`CLI exited with ${code}: ${text}`)));
  });
  return { child, output };
}

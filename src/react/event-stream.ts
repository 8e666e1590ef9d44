/** One server-sent event as the widgets use it. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface EventStreamOptions {
  url: string;
  token: string;
  signal: AbortSignal;
  onEvent: (event: StreamEvent) => void;
  onStatus: (status: "connecting" | "live" | "offline") => void;
  fetch?: typeof globalThis.fetch;
}

const retryDelayMsMin = 500;
const retryDelayMsMax = 10_000;

/**
 * Follows a Billhook event stream until `signal` aborts, reconnecting with back-off. `fetch` rather
 * than `EventSource`: only `fetch` can send the token in a header, where it stays out of URLs and logs.
 */
export async function followEventStream(options: EventStreamOptions): Promise<void> {
  const fetchFunction = options.fetch ?? globalThis.fetch.bind(globalThis);
  let delayMs = retryDelayMsMin;
  while (!options.signal.aborted) {
    options.onStatus("connecting");
    try {
      const response = await fetchFunction(options.url, {
        headers: { authorization: `Bearer ${options.token}`, accept: "text/event-stream" },
        signal: options.signal,
      });
      if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
      options.onStatus("live");
      delayMs = retryDelayMsMin;
      await readEvents(response.body, options.onEvent);
    } catch {
      // Network errors, a restart of the server, an expired token: all end in a reconnect below.
    }
    if (options.signal.aborted) return;
    options.onStatus("offline");
    await wait(delayMs, options.signal);
    delayMs = Math.min(retryDelayMsMax, delayMs * 2);
  }
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: StreamEvent) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
    for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length === 0) continue;
      try {
        onEvent({ event, data: JSON.parse(data.join("\n")) });
      } catch {
        // Not JSON: not one of ours.
      }
    }
  }
}

function wait(durationMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, durationMs);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

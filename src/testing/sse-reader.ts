/** Reads server-sent events from a streaming response, one `{ event, data }` at a time. */
export function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const next = async (timeoutMs = 10_000): Promise<{ event: string; data: unknown }> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffered.indexOf("\n\n");
      if (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, "m").exec(block)?.[1];
        if (!field("data")) continue;
        return { event: field("event") ?? "message", data: JSON.parse(field("data") ?? "null") };
      }
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw new Error(`no event within ${timeoutMs} ms; buffered: ${buffered}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), remainingMs);
      });
      const { value, done } = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (done) throw new Error("the stream ended");
      buffered += decoder.decode(value, { stream: true });
    }
  };
  /** Skips events until one of type `event` arrives (and satisfies `accept`, when given). */
  const until = async (event: string, accept: (data: never) => boolean = () => true, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next_ = await next(Math.max(1, deadline - Date.now()));
      if (next_.event === event && accept(next_.data as never)) return next_;
    }
  };
  return { next, until, cancel: () => reader.cancel() };
}

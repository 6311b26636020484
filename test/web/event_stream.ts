// A server-sent-events client for the tests: fetch() with a streamed body, parsed into (event, JSON data) pairs.
export interface EventStream {
  /** The data of the next event named `name` (events of other names are skipped); rejects after `timeoutMs`. */
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the event data it expects, as JSON.parse gives it
  next(name: string, timeoutMs?: number): Promise<any>;
  close(): void;
}

export async function eventStream(url: URL): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const readEvent = async (): Promise<{ event: string; data: string }> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        const data = field('data');
        if (data !== undefined) return { event: field('event') ?? 'message', data };
        continue; // a comment or retry line
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`${url}: the stream ended`);
      buffer += value;
    }
  };
  return {
    async next(name, timeoutMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no '${name}' event within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        for (;;) {
          const { event, data } = await Promise.race([readEvent(), timeout]);
          if (event === name) return JSON.parse(data);
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => controller.abort(),
  };
}

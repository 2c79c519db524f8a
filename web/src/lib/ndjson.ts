// Reads an NDJSON response (the shared import pipeline's commit stream) line by line.
export async function readNdjson<T>(body: ReadableStream<Uint8Array<ArrayBuffer>>, onLine: (line: T) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const handle = (raw: string) => {
    if (raw.trim()) onLine(JSON.parse(raw) as T);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (value) {
      buffer += value;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        handle(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    if (done) break;
  }
  handle(buffer);
}

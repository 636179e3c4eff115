/** Reads Server-Sent Events from a streaming Response in tests, message by message. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";

  function parse(block: string): SseMessage | null {
    const message: SseMessage = { data: "" };
    let hasField = false;
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      hasField = true;
      if (field === "data") message.data += (message.data ? "\n" : "") + value;
      else if (field === "event") message.event = value;
      else if (field === "id") message.id = value;
    }
    return hasField ? message : null;
  }

  /** The next message, or null when the stream ends first. Never waits past what the server already sent plus what `read` delivers. */
  async function next(): Promise<SseMessage | null> {
    while (true) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parse(block);
        if (message) return message;
        continue;
      }
      const { done, value } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
    }
  }

  async function take(count: number): Promise<SseMessage[]> {
    const messages: SseMessage[] = [];
    while (messages.length < count) {
      const message = await next();
      if (!message) break;
      messages.push(message);
    }
    return messages;
  }

  return { next, take, cancel: () => reader.cancel() };
}

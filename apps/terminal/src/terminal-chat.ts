import { createInterface, type Interface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import {
  parseSpeakerChoice,
  renderEnd,
  renderMessage,
  renderRequest,
  type TerminalInputRequest,
  type TerminalMessage,
} from './render';

interface Envelope {
  chat_id: string;
  seq: number | null;
  type: string;
  data: Record<string, any>;
}

type Out = (text: string) => void;

/**
 * A chat in the terminal, over the public API only: creates a chat from a flow (or an agent's flow),
 * streams the agents' messages as they arrive (socket.io, tokens included), prompts when input is
 * requested (text or speaker choice; tool outputs one line each), and cancels the run on Ctrl-C.
 */
export class TerminalChat {
  private readonly lines: string[] = [];
  private lineWaiter: ((line: string | null) => void) | null = null;
  private inputClosed = false;
  private readonly rl: Interface;
  private socket: Socket | null = null;
  private chatId: string | null = null;
  private streamingAgent: string | null = null;
  private ended: (() => void) | null = null;
  private busy = Promise.resolve();

  constructor(
    private readonly options: { url: string; key: string; input: NodeJS.ReadableStream; out: Out; err: Out },
  ) {
    this.rl = createInterface({ input: options.input, terminal: false });
    this.rl.on('line', (line) => {
      if (this.lineWaiter) {
        const waiter = this.lineWaiter;
        this.lineWaiter = null;
        waiter(line);
      } else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.inputClosed = true;
      this.lineWaiter?.(null);
      this.lineWaiter = null;
    });
  }

  /** Runs the conversation until the person leaves; resolves with the exit code. */
  async run(target: string): Promise<number> {
    const flowId = await this.resolveFlow(target);
    const chat = await this.api('POST', '/chats', {
      name: 'Terminal chat',
      from_type: 'flow',
      from_flow: flowId,
    });
    this.chatId = chat.id as string;
    this.options.out(`Chat ${this.chatId} (Ctrl-C cancels the run)\n`);
    await this.connect();
    for (;;) {
      const message = await this.ask('You: ');
      if (message === null || message.trim() === '') break;
      const finished = new Promise<void>((resolve) => (this.ended = resolve));
      await this.api('POST', `/chats/${this.chatId}/messages`, { message });
      await finished;
      await this.busy;
    }
    this.close();
    return 0;
  }

  /** Ctrl-C: stop the active run (keeping what it produced), then leave. */
  async cancel(): Promise<void> {
    if (this.chatId) {
      this.options.out('\nCancelling…\n');
      await this.api('POST', `/chats/${this.chatId}/cancel`).catch(() => undefined);
    }
    this.close();
  }

  close(): void {
    this.socket?.close();
    this.rl.close();
  }

  private async resolveFlow(target: string): Promise<string> {
    const flow = await this.api('GET', `/flows/${encodeURIComponent(target)}`).catch(() => null);
    if (flow) return flow.id as string;
    const agent = await this.api('GET', `/agents/${encodeURIComponent(target)}`).catch(() => null);
    if (agent) return agent.flow_id as string;
    throw new Error(`No flow or agent ${target} for this key`);
  }

  private connect(): Promise<void> {
    const socket = io(this.options.url, { auth: { apiKey: this.options.key }, transports: ['websocket'] });
    this.socket = socket;
    let lastSeq = 0;
    socket.on('event', (event: Envelope) => {
      if (event.seq !== null) {
        if (event.seq <= lastSeq) return;
        lastSeq = event.seq;
      }
      // Events are handled one after another: a prompt waits for the person before the next is shown.
      this.busy = this.busy
        .then(() => this.onEvent(event))
        .catch((err: Error) => this.options.err(`${err.message}\n`));
    });
    return new Promise((resolve, reject) => {
      socket.on('connect', () => {
        socket.emit('subscribe', { chat_id: this.chatId, after_seq: lastSeq }, () => resolve());
      });
      socket.once('connect_error', (err) => reject(new Error(`socket.io: ${err.message}`)));
    });
  }

  private async onEvent(event: Envelope): Promise<void> {
    const out = this.options.out;
    switch (event.type) {
      case 'message.delta': {
        const { agent, delta } = event.data as { agent: string; delta: string };
        if (this.streamingAgent !== agent) {
          if (this.streamingAgent) out('\n');
          out(`${agent}: `);
          this.streamingAgent = agent;
        }
        out(delta);
        return;
      }
      case 'message.created': {
        const message = event.data as TerminalMessage;
        if (this.streamingAgent === message.sender) {
          out('\n'); // its text was already printed token by token
          this.streamingAgent = null;
          return;
        }
        if (message.type !== 'user') out(`${renderMessage(message)}\n`);
        return;
      }
      case 'input.requested':
        return this.answer(event.data.input_request as TerminalInputRequest);
      case 'run.completed':
      case 'run.failed':
      case 'run.cancelled':
        out(`${renderEnd(event.type, event.data)}\n`);
        this.ended?.();
        return;
    }
  }

  private async answer(request: TerminalInputRequest): Promise<void> {
    this.options.out(`${renderRequest(request)}\n`);
    let body: unknown;
    if (request.kind === 'tool_outputs') {
      const outputs = [];
      for (const call of request.tool_calls ?? [])
        outputs.push({
          tool_call_id: call.id,
          output: (await this.ask(`${call.name}(${JSON.stringify(call.arguments)}) = `)) ?? '',
        });
      body = { tool_outputs: outputs };
    } else if (request.kind === 'speaker') {
      let choice: string | null = null;
      while (choice === null) {
        const line = await this.ask('Speaker: ');
        if (line === null) return this.leave();
        choice = parseSpeakerChoice(line, request.options ?? []);
        if (choice === null) this.options.out('Pick a number or a name from the list.\n');
      }
      body = { message: choice };
    } else {
      const line = await this.ask(`${request.agent} (you): `);
      if (line === null) return this.leave();
      body = { message: line };
    }
    await this.api('POST', `/chats/${this.chatId}/input`, body);
  }

  /** Input ended (EOF) while a question was pending: the person is gone, stop the run. */
  private async leave(): Promise<void> {
    await this.cancel();
    this.ended?.();
  }

  private ask(prompt: string): Promise<string | null> {
    this.options.out(prompt);
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.inputClosed) return Promise.resolve(null);
    return new Promise((resolve) => (this.lineWaiter = resolve));
  }

  private async api(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(this.options.url + path, {
      method,
      headers: {
        'X-API-Key': this.options.key,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${parsed?.message ?? text}`);
    return parsed;
  }
}

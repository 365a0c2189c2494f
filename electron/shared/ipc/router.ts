// The host side of the contract: one dispatch function that every transport (Electron IPC, the web-mode WebSocket)
// calls. It refuses untrusted senders and unknown channels, validates the payload before any handler runs, checks
// the handler's answer against the response schema, and turns every failure into a typed error.
import type { z } from 'zod';
import {
  isRequestChannel, requests,
  type IpcError, type IpcErrorCode, type IpcResult, type RequestChannel, type ResponseOf,
} from './contract.js';

/** Throw from a handler to answer with a specific error code. */
export class IpcFailure extends Error {
  constructor(readonly code: IpcErrorCode, message: string) {
    super(message);
    this.name = 'IpcFailure';
  }
}

export type Handler<C extends RequestChannel> =
  (request: z.output<(typeof requests)[C]['request']>) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type Handlers = { [C in RequestChannel]: Handler<C> };

export interface Router<Sender> {
  dispatch(channel: unknown, payload: unknown, sender: Sender): Promise<IpcResult<unknown>>;
}

export interface RouterOptions<Sender> {
  handlers: Handlers;
  /** True only for the studio's own page (checked per request, before anything else). */
  isTrustedSender: (sender: Sender) => boolean;
  /** Called with handler crashes (not with refused requests). */
  onInternalError?: (channel: string, error: unknown) => void;
}

function fail(code: IpcErrorCode, message: string, issues?: IpcError['issues']): IpcResult<never> {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

function describeIssues(error: z.ZodError): NonNullable<IpcError['issues']> {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(payload)',
    message: issue.message,
  }));
}

export function createRouter<Sender>(options: RouterOptions<Sender>): Router<Sender> {
  const { handlers, isTrustedSender } = options;
  return {
    async dispatch(channel, payload, sender) {
      let trusted = false;
      try {
        trusted = isTrustedSender(sender);
      } catch {
        trusted = false;
      }
      if (!trusted) return fail('forbidden', 'This request did not come from the studio window.');
      if (!isRequestChannel(channel)) {
        const name = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 80)) : typeof channel;
        return fail('unknown-channel', `There is no request named ${name}.`);
      }
      const spec = requests[channel];
      const parsed = spec.request.safeParse(payload);
      if (!parsed.success) {
        return fail('bad-request', `The ${channel} request was malformed.`, describeIssues(parsed.error));
      }
      let value: unknown;
      try {
        const handler = handlers[channel] as (request: unknown) => unknown;
        value = await handler(parsed.data);
      } catch (error) {
        if (error instanceof IpcFailure) return fail(error.code, error.message);
        options.onInternalError?.(channel, error);
        return fail('internal', error instanceof Error ? error.message : String(error));
      }
      const checked = spec.response.safeParse(value);
      if (!checked.success) {
        options.onInternalError?.(channel, checked.error);
        return fail('internal', `The host answered ${channel} with data that does not fit the contract.`, describeIssues(checked.error));
      }
      return { ok: true, value: checked.data };
    },
  };
}

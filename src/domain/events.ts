import { EventEmitter } from "node:events";

/**
 * Things that happened, for live consumers (streaming API). Emitted after the transaction
 * that made them commits. Nothing durable hangs off these: delivery and fan-out go through
 * the job table (see jobs/outbox.ts), so a crash between commit and emit loses only a live
 * update, never data.
 */
export type DomainEvent =
  | { type: "status.created"; statusId: string; accountId: string }
  /** `edited`: the text changed (clients get status.update); otherwise only counts or poll tallies did */
  | { type: "status.updated"; statusId: string; accountId: string; edited: boolean }
  | { type: "status.deleted"; statusId: string; accountId: string; visibility: string; local: boolean }
  | { type: "home.inserted"; accountId: string; statusId: string }
  | { type: "notification.created"; accountId: string; notificationId: string }
  /** the account's keyword filters changed (streaming: `filters_changed`) */
  | { type: "filters.changed"; accountId: string };

export interface Events {
  emit(event: DomainEvent): void;
  on(listener: (event: DomainEvent) => void): () => void;
}

export function createLocalEvents(): Events {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    emit(event) {
      emitter.emit("event", event);
    },
    on(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
  };
}

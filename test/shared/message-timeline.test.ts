import { describe, expect, it } from "vitest";
import { acceptanceEvent, timelineOf } from "../../shared/db/message-timeline";
import type { MessageEventRow, MessageRow } from "../../shared/db/schema";
import { messageRowOf } from "../support/d1-fixtures";

const createdAt = "2026-11-01T12:00:00.000Z";

function row(acceptedReason: string | null): MessageRow {
  return messageRowOf("ten_a", {
    id: "msg_V1StGXR8Z5jdHi6BmyT12",
    status: "sent",
    requestId: "req_1",
    acceptedReason,
    createdAt,
    updatedAt: createdAt,
  });
}

const stored = (id: string, status: MessageEventRow["status"]): MessageEventRow => ({
  id,
  messageId: "msg_V1StGXR8Z5jdHi6BmyT12",
  status,
  reason: status,
  source: "internal",
  providerId: null,
  rawPayload: null,
  dedupeKey: null,
  requestId: "req_1",
  occurredAt: createdAt,
});

describe("a message's timeline", () => {
  it("starts with the acceptance kept on the row, its id the message's own characters", () => {
    const timeline = timelineOf(row("accepted"), [stored("evt_b", "sending"), stored("evt_c", "sent")]);
    expect(timeline.map((event) => [event.id, event.status, event.reason])).toEqual([
      ["evt_V1StGXR8Z5jdHi6BmyT12", "queued", "accepted"],
      ["evt_b", "sending", "sending"],
      ["evt_c", "sent", "sent"],
    ]);
    expect(timeline[0]).toMatchObject({ source: "internal", requestId: "req_1", occurredAt: createdAt, providerId: null });
  });

  it("is only the stored events for a message whose acceptance is a row of its own", () => {
    expect(timelineOf(row(null), [stored("evt_a", "queued"), stored("evt_c", "sent")]).map((event) => event.id)).toEqual([
      "evt_a",
      "evt_c",
    ]);
  });

  it("reads an archive line written before migration 0018 (no accepted_reason key at all) as its stored events only", () => {
    const { acceptedReason: _, ...before0018 } = row(null);
    const line = JSON.parse(JSON.stringify(before0018)) as MessageRow;
    expect(acceptanceEvent(line)).toBeUndefined();
    expect(timelineOf(line, [stored("evt_a", "queued")]).map((event) => event.id)).toEqual(["evt_a"]);
  });
});

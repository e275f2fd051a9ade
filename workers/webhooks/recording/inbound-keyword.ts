import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../../shared/db/database";
import { conversationSettings, optOuts } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { suppressionAddress } from "../../../shared/domain/opt-out";
import { keywordRequest } from "../../../shared/domain/opt-out-keywords";
import type { Inbound } from "./callback";

/** What an SMS keyword changes, recorded in the same batch as the message, and what the event says. */
export type KeywordEffect = { writes: BatchItem<"sqlite">[]; note: string; reply?: string };

/**
 * STOP and its synonyms put the sender on the tenant's SMS suppression list; START, UNSTOP and
 * YES take them off (the recipient lifting their own opt-out); HELP is answered with the tenant's
 * configured reply. Only SMS has these conventions.
 */
export async function keywordEffect(db: Database, inbound: Inbound, tenantId: string, now: string): Promise<KeywordEffect | undefined> {
  if (inbound.channel !== "sms") return undefined;
  const found = keywordRequest(inbound.body);
  if (!found) return undefined;
  const address = suppressionAddress(inbound.from);
  const theirs = and(eq(optOuts.tenantId, tenantId), eq(optOuts.channel, "sms"), eq(optOuts.address, address));
  if (found.request === "opt-out") {
    const reason = `${found.keyword} received`;
    const row = { tenantId, channel: "sms" as const, address, source: "keyword" as const, reason, receivedBy: inbound.to, updatedAt: now };
    return {
      writes: [
        db
          .insert(optOuts)
          .values({ id: newId("optOut"), ...row, createdAt: now })
          .onConflictDoUpdate({ target: [optOuts.tenantId, optOuts.channel, optOuts.address], set: row }),
      ],
      note: `${found.keyword}: ${address} opted out`,
    };
  }
  if (found.request === "opt-in") return { writes: [db.delete(optOuts).where(theirs)], note: `${found.keyword}: ${address} opted back in` };
  const settings = await db.query.conversationSettings.findFirst({ where: eq(conversationSettings.tenantId, tenantId) });
  return settings?.helpReply
    ? { writes: [], note: "HELP: answered with the tenant's reply", reply: settings.helpReply }
    : { writes: [], note: "HELP: the tenant has no reply configured" };
}

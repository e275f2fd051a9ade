import { type FakeTwilio, startFakeTwilio } from "../../support/node/fakes/fake-twilio";
import { addProvider } from "./providers-setup";
import { type RelayClient, relayClient } from "./relay-client";
import { type StackProcess, startStackProcess } from "./stack-process";

export type TwilioStack = { stack: StackProcess; relay: RelayClient; twilio: FakeTwilio; twilioId: string; stop(): Promise<void> };

/**
 * Where the conversation tests start: the stack, with a fake Twilio on 127.0.0.1 as the demo
 * tenant's SMS provider, sending from `from`.
 */
export async function startTwilioStack(credentials: { accountSid: string; authToken: string }, from: string): Promise<TwilioStack> {
  const stack = await startStackProcess();
  const relay = relayClient(() => stack.credentials);
  const twilio = await startFakeTwilio(credentials.accountSid, credentials.authToken);
  const twilioId = await addProvider(relay, stack.credentials.tenantId, {
    type: "twilio",
    name: "twilio",
    config: { ...credentials, from, baseUrl: twilio.baseUrl },
  });
  return {
    stack,
    relay,
    twilio,
    twilioId,
    async stop() {
      await stack.stop();
      await twilio.close();
    },
  };
}

/** A system under load: something that accepts messages over HTTP and delivers them. */
export type Target = {
  name: string;
  /** Sends message `index`; true when it was accepted (202). `later`: scheduled an hour ahead. */
  send(index: number, later?: boolean): Promise<boolean>;
  /** How many messages have been delivered so far. */
  delivered(): Promise<number>;
  /** The `d1.meter` lines the workers logged (only when metering). */
  meterLines: string[];
  /** How many sends the provider received (Relay only). */
  providerSends?: () => Promise<number>;
  stop(): Promise<void>;
};

import { inject } from "vitest";
import type { Behaviour, PrismName, RecordedRequest, ScenarioSpec } from "../support/provided-context";

export type { RecordedRequest };

export type Scenario = {
  /** Point an adapter's base URL here; requests under it follow the scenario's routes. */
  baseUrl: string;
  requests(): Promise<RecordedRequest[]>;
};

/** A fresh scenario on the fake server, so tests running side by side never see each other's requests. */
export async function scenario(spec: ScenarioSpec): Promise<Scenario> {
  const { fake } = inject("providerServers");
  const created = await fetch(`${fake}/__scenarios`, { method: "POST", body: JSON.stringify(spec) });
  const { id } = (await created.json()) as { id: string };
  return {
    baseUrl: `${fake}/s/${id}`,
    requests: async () => (await (await fetch(`${fake}/__scenarios/${id}/requests`)).json()) as RecordedRequest[],
  };
}

/** Every request goes through to the Prism mock of `name`, and is recorded on the way. */
export function throughPrism(name: PrismName): Promise<Scenario> {
  return scenario({ fallback: { proxy: name } });
}

/** One route answering as told, e.g. `answering("POST /emails", { status: 422, body: {...} })`. */
export function answering(route: string, behaviour: Behaviour): Promise<Scenario> {
  return scenario({ routes: { [route]: behaviour } });
}

export function closedUrl(): string {
  return inject("providerServers").closedUrl;
}

/** What an inbound SMS asks of its sender's subscription (carrier conventions; case and surrounding space ignored). */
export type KeywordRequest = "opt-out" | "opt-in" | "help";

const KEYWORDS: Record<string, KeywordRequest> = {
  STOP: "opt-out",
  STOPALL: "opt-out",
  UNSUBSCRIBE: "opt-out",
  CANCEL: "opt-out",
  END: "opt-out",
  QUIT: "opt-out",
  START: "opt-in",
  UNSTOP: "opt-in",
  YES: "opt-in",
  HELP: "help",
};

export function keywordRequest(body: string): { keyword: string; request: KeywordRequest } | undefined {
  const keyword = body.trim().toUpperCase();
  const request = KEYWORDS[keyword];
  return request ? { keyword, request } : undefined;
}

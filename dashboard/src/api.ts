/** The dashboard's only way to the server: same-origin fetches carrying the session cookie. */

export interface Problem {
  status: number;
  code: string;
  detail: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(problem: Problem) {
    super(problem.detail);
    this.status = problem.status;
    this.code = problem.code;
  }
}

export interface SessionInfo {
  csrfToken: string;
  apiKey: { prefix: string; name: string; scope: string };
  expiresAt: string;
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** Called when any request learns the session has ended (401), so the app shows the sign-in form. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function toError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return new ApiError({
      status: response.status,
      code: body.code ?? "HTTP_ERROR",
      detail: body.detail ?? `The server answered ${response.status}.`,
    });
  } catch {
    return new ApiError({
      status: response.status,
      code: "HTTP_ERROR",
      detail: `The server answered ${response.status}.`,
    });
  }
}

/**
 * Calls the Billhook API. Writes carry the session's CSRF token; a 401 signs the page out.
 *
 * @example
 * const overview = await api<Overview>("/v1/admin/overview");
 */
export async function api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.json !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-billhook-csrf"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  if (response.status === 401) {
    csrfToken = null;
    for (const listener of signedOutListeners) listener();
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function currentSession(): Promise<SessionInfo | null> {
  const response = await fetch("/dashboard/api/session", { credentials: "same-origin" });
  if (!response.ok) return null;
  const session = (await response.json()) as SessionInfo;
  csrfToken = session.csrfToken;
  return session;
}

export async function signIn(apiKey: string): Promise<SessionInfo> {
  const response = await fetch("/dashboard/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ apiKey }),
  });
  if (!response.ok) throw await toError(response);
  const session = (await response.json()) as SessionInfo;
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  await fetch("/dashboard/api/session", {
    method: "DELETE",
    credentials: "same-origin",
    headers: csrfToken ? { "x-billhook-csrf": csrfToken } : {},
  });
  csrfToken = null;
}

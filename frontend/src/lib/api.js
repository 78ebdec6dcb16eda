// The REST API: JSON in and out, the session cookie plus a CSRF header for writes.
// Errors arrive as {"error": {"code", "message", "fields", ...}} and become ApiError.

const BASE = "/api/v1";
const TIMEOUT_MS = 15_000; // a request that hangs counts as failed, so the desk can retry

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `request failed (${status})`);
    this.status = status;
    this.code = error.code || (status === 0 ? "network" : "error");
    this.fields = error.fields || {};
    this.details = error;
  }

  /** One line for a person: the message plus the fields at fault. */
  describe() {
    const fields = Object.entries(this.fields).map(([name, why]) => `${name}: ${[].concat(why).join(", ")}`);
    return [this.message, ...fields].join(" — ");
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

let onUnauthenticated = () => {
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
};

export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(0, { error: { code: "network", message: "the server cannot be reached" } });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (response.status === 401) onUnauthenticated();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body = {}) => request("POST", path, body);
export const put = (path, body = {}) => request("PUT", path, body);
export const patch = (path, body = {}) => request("PATCH", path, body);
export const del = (path) => request("DELETE", path);

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

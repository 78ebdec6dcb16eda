// Canned responses: searched on the server (GET /canned-responses?q=), their variables
// filled in here from the open case — {{contact.first_name}}, {{agent.name}}, … — the
// same variables and rule as the server's (inbox/services/canned.py): unknown ones
// become empty, so a customer never sees template syntax.

import { get, query } from "../lib/api.js";

function firstWord(name) {
  return String(name ?? "").trim().split(" ")[0] ?? "";
}

export function templateContext({ contact, me, detail }) {
  return {
    contact: {
      name: contact?.display_name ?? "",
      first_name: firstWord(contact?.display_name),
      email: contact?.email ?? "",
      phone: contact?.phone ?? "",
    },
    agent: { name: me.name, first_name: firstWord(me.name) },
    case: { id: detail?.id ?? "", subject: detail?.subject ?? "" },
  };
}

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

export function fillTemplate(body, context) {
  return String(body ?? "").replace(VARIABLE, (whole, path) => {
    let value = context;
    for (const part of path.split(".")) {
      if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return "";
      value = value[part];
    }
    return value === null || typeof value === "object" ? "" : String(value);
  });
}

export async function searchCanned(text) {
  return (await get(`/canned-responses${query({ q: text })}`)) ?? [];
}

// What a reply may hold on each channel, counted live as the agent types.
// X: twitter-text's own parseTweet (weighted characters, URLs as 23). SMS: GSM-7
// (160 / 153 per part) or, with any other character, UCS-2 (70 / 67 per part).
// Maximums match the server's (inbox/channels/senders/limits.py), which has the last word.

import twitterText from "twitter-text";

const RULES = {
  "x:public": { label: "Public reply", limit: 280, unit: "weighted characters", counter: "tweet" },
  "x:private": { label: "Direct message", limit: 10000 },
  "facebook:public": { label: "Public comment", limit: 8000 },
  "facebook:private": { label: "Messenger message", limit: 2000 },
  "instagram:public": { label: "Public comment", limit: 2200 },
  "instagram:private": { label: "Direct message", limit: 1000 },
  "email:private": { label: "Email", limit: null },
  "voice:private": { label: "Text message (SMS)", limit: 1600, counter: "sms" },
  "generic:public": { label: "Public reply", limit: null },
  "generic:private": { label: "Private reply", limit: null },
};

/** The ways a reply can go out on a channel kind: [{visibility, label, ...}]. */
export function modesFor(kind) {
  return ["public", "private"]
    .filter((visibility) => RULES[`${kind}:${visibility}`])
    .map((visibility) => ({ visibility, ...RULES[`${kind}:${visibility}`] }));
}

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

/** SMS parts for `text`: {encoding, units, segments, perSegment}. */
export function smsSegments(text) {
  let septets = 0;
  let gsm = true;
  for (const char of text) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENDED.has(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const perSegment = septets <= 160 ? 160 : 153;
    return { encoding: "GSM-7", units: septets, perSegment, segments: septets === 0 ? 0 : Math.ceil(septets / perSegment) };
  }
  const units = text.length; // UTF-16 code units: an emoji outside the BMP takes two
  const perSegment = units <= 70 ? 70 : 67;
  return { encoding: "UCS-2", units, perSegment, segments: Math.ceil(units / perSegment) };
}

/** Live measure of a draft: {count, limit, over, summary, sms?}. */
export function measure(kind, visibility, text) {
  const rule = RULES[`${kind}:${visibility}`] ?? { limit: null };
  const count = rule.counter === "tweet" ? twitterText.parseTweet(text).weightedLength : [...text].length;
  const result = { count, limit: rule.limit, over: rule.limit !== null && count > rule.limit };
  const unit = rule.unit ?? "characters";
  if (rule.limit === null) result.summary = `${count} characters`;
  else if (result.over) result.summary = `${count - rule.limit} ${unit} over the limit of ${rule.limit}`;
  else result.summary = `${rule.limit - count} ${unit} left`;
  if (rule.counter === "sms") {
    result.sms = smsSegments(text);
    const { segments, encoding, perSegment } = result.sms;
    result.summary += ` · ${segments} SMS ${segments === 1 ? "part" : "parts"} (${encoding}, ${perSegment} per part)`;
  }
  return result;
}

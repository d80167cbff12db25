// SDK-shaped batches for the load client: the same event shape as
// bench/ingest.lua (properties, context with page, campaign, library, user
// agent), every messageId a fresh UUID so each event is a real insert.
import { randomUUID } from 'node:crypto';

const NAMES = ['scroll_depth', 'video_progress', 'form_start', 'outbound_click', 'element_visible'];

function trackEvent(index) {
  return {
    type: 'track',
    event: NAMES[index % NAMES.length],
    messageId: randomUUID(),
    anonymousId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
    timestamp: '2026-11-27T10:00:00.123Z',
    properties: { percent: 50, form_id: 'newsletter', href: 'https://www.trustpilot.com/review/fjordbrew.example' },
    context: {
      library: { name: 'microtrack', version: '0.1.0' },
      page: {
        url: 'https://fjordbrew.example/?utm_source=newsletter', path: '/', search: '?utm_source=newsletter',
        title: 'Fjordbrew - the smart grinder', referrer: '',
      },
      campaign: { source: 'newsletter', medium: 'email', name: 'nov' },
      sessionId: '5d1c6f8e-1111-4222-8333-944455556666',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36',
      locale: 'en-GB', timezone: 'Europe/Oslo', screen: { width: 1280, height: 720 },
    },
  };
}

// The whole HTTP/1.1 request for one batch of `events` events, as the SDK's
// fetch/sendBeacon sends it (text/plain keeps it a CORS "simple" request).
export function batchRequest(events) {
  const batch = Array.from({ length: events }, (_, i) => trackEvent(i));
  const body = JSON.stringify({ sentAt: '2026-11-27T10:00:05.000Z', writeKey: 'bench', batch });
  return Buffer.from(
    'POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

-- The PostgreSQL store's queries, EXPLAINed on a seeded database: 300,000
-- events over 30 days (80 % tracks of 10 names plus a rare `purchase`, 15 %
-- pages, 5 % identifies; 20,000 visitors) and 3,000 flow deliveries, 100 of
-- them pending.
-- Run by bench/pg-explain.sh, which makes the schema with the collector first.
\set ON_ERROR_STOP on
INSERT INTO events (message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at,
                    received_at, corrected_timestamp, corrected_ms, properties, context, raw)
SELECT 'm' || i, kind,
       CASE WHEN kind = 'track' AND i % 500 = 0 THEN 'purchase' WHEN kind = 'track' THEN 'event_' || (i % 10)
            WHEN kind = 'page' THEN 'Home' END,
       'anon-' || (i % 20000), NULL, 's-' || (i % 50000), iso, iso, iso, iso, ms,
       '{"percent":50}', '{"page":{"path":"/"}}', '{}'
FROM (SELECT i, CASE WHEN i % 20 < 16 THEN 'track' WHEN i % 20 < 19 THEN 'page' ELSE 'identify' END AS kind,
             1793527200000 + i * 8640 AS ms,
             to_char(to_timestamp((1793527200000 + i * 8640) / 1000.0) AT TIME ZONE 'UTC',
                     'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS iso
      FROM generate_series(1::bigint, 300000) AS i) AS seeded;
INSERT INTO flow_deliveries (flow, message_id, url, payload, status, next_attempt_ms, created_at, updated_at)
SELECT 'hook', 'm' || i, 'http://127.0.0.1:9/hook', '{}', CASE WHEN i % 30 = 0 THEN 'pending' ELSE 'delivered' END,
       1793527200000 + i * 1000, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'
FROM generate_series(1, 3000) AS i;
ANALYZE events;
ANALYZE flow_deliveries;

\echo '--- insert_events: one statement per batch; the unique key arbitrates duplicates'
EXPLAIN (COSTS OFF)
INSERT INTO events (message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at,
  received_at, corrected_timestamp, properties, context, raw, corrected_ms)
SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14
FROM unnest('{a}'::text[], '{track}'::text[], '{x}'::text[], '{v}'::text[], '{NULL}'::text[], '{s}'::text[],
            '{t}'::text[], '{t}'::text[], '{t}'::text[], '{t}'::text[], '{NULL}'::text[], '{NULL}'::text[],
            '{"{}"}'::text[], '{1}'::bigint[])
  WITH ORDINALITY AS r(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, ord)
ORDER BY ord
ON CONFLICT (message_id) DO NOTHING
RETURNING id, message_id;

\echo '--- query: /api/events?order=desc&limit=50 (the dashboard, the live backlog)'
EXPLAIN (COSTS OFF)
SELECT id, message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at, received_at,
  corrected_timestamp, properties, context, raw FROM events ORDER BY id DESC LIMIT 50;

\echo '--- query: /api/events?event=purchase&limit=100 (a rare event)'
EXPLAIN (COSTS OFF)
SELECT id, message_id, type, event, anonymous_id, user_id, session_id, timestamp, sent_at, received_at,
  corrected_timestamp, properties, context, raw FROM events WHERE event = 'purchase' ORDER BY id LIMIT 100;

\echo '--- scan: a funnel (page > event_3 > event_7) over one week'
EXPLAIN (COSTS OFF)
SELECT id, type, event, anonymous_id, user_id, session_id, corrected_ms, properties, context
FROM events WHERE TRUE AND corrected_ms >= 1793700000000 AND corrected_ms < 1794304800000
  AND ((type = 'track' AND event = ANY('{event_3,event_7}'::text[])) OR type = 'page');

\echo '--- scan: a funnel of rare events (purchase > identify) over the whole month'
EXPLAIN (COSTS OFF)
SELECT id, type, event, anonymous_id, user_id, session_id, corrected_ms, properties, context
FROM events WHERE TRUE AND corrected_ms >= 1793491200000 AND corrected_ms < 1796083200000
  AND ((type = 'track' AND event = ANY('{purchase}'::text[])) OR type = 'identify');

\echo '--- totals over one day (the three queries run in one REPEATABLE READ snapshot)'
EXPLAIN (COSTS OFF)
SELECT count(*), count(DISTINCT coalesce(anonymous_id, 'user:' || user_id)) FROM events
WHERE TRUE AND corrected_ms >= 1793700000000 AND corrected_ms < 1793786400000;
EXPLAIN (COSTS OFF)
SELECT CASE type WHEN 'track' THEN event ELSE type END AS name, count(*),
  count(DISTINCT coalesce(anonymous_id, 'user:' || user_id)) FROM events
WHERE TRUE AND corrected_ms >= 1793700000000 AND corrected_ms < 1793786400000
GROUP BY 1 ORDER BY count(*) DESC, 1 NULLS FIRST;
EXPLAIN (COSTS OFF)
SELECT substr(corrected_timestamp, 1, 10) AS day, CASE type WHEN 'track' THEN event ELSE type END AS name, count(*)
FROM events WHERE TRUE AND corrected_ms >= 1793700000000 AND corrected_ms < 1793786400000
GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST;

\echo '--- totals over everything: every row is read, so a sequential scan is right'
EXPLAIN (COSTS OFF)
SELECT count(*), count(DISTINCT coalesce(anonymous_id, 'user:' || user_id)) FROM events WHERE TRUE;

\echo '--- take_due_deliveries: the flow worker of every instance'
EXPLAIN (COSTS OFF)
WITH due AS (
  SELECT id, next_attempt_ms FROM flow_deliveries
  WHERE status = 'pending' AND next_attempt_ms <= 1793527260000
  ORDER BY next_attempt_ms, id LIMIT 10
  FOR UPDATE SKIP LOCKED),
taken AS (
  UPDATE flow_deliveries d SET next_attempt_ms = 1793527420000 FROM due WHERE d.id = due.id
  RETURNING d.id, d.flow, d.message_id, d.url, d.payload, d.status, d.attempts, due.next_attempt_ms AS due_ms)
SELECT * FROM taken ORDER BY due_ms, id;

\echo '--- next_delivery_ms'
EXPLAIN (COSTS OFF) SELECT min(next_attempt_ms) FROM flow_deliveries WHERE status = 'pending';

\echo '--- delivery_log: /api/flows'
EXPLAIN (COSTS OFF)
SELECT id, flow, message_id, url, status, attempts, last_status, last_error, created_at, updated_at
FROM flow_deliveries ORDER BY id DESC LIMIT 100;
